/**
 * Order items that name a variant of their spirit (a 5 cl sample, a gift box): it must be the spirit's own
 * and on sale, and the line is priced from it. An item without a variant is the spirit's standard unit.
 */
import { DomainError, type FieldIssue } from "../../domain-error.ts";
import type { OrdersPorts, SpiritForOrder, VariantForOrder } from "./orders.ports.ts";
import type { CreateOrderInput } from "./orders.schemas.ts";

export const variantKey = (spiritId: string, variantId: string) => `${spiritId}\u0000${variantId}`;

/** The variants the order names, by variantKey; unknown, foreign and retired ones are refused. */
export async function loadVariants(
  ports: OrdersPorts,
  spirits: Map<string, SpiritForOrder>,
  input: CreateOrderInput,
): Promise<Map<string, VariantForOrder>> {
  const found = new Map<string, VariantForOrder>();
  const unknown: FieldIssue[] = [];
  for (const [i, item] of input.items.entries()) {
    if (!item.variantId) continue;
    const key = variantKey(item.spiritId, item.variantId);
    if (found.has(key)) continue;
    const variant = await ports.findVariant?.(item.spiritId, item.variantId);
    if (!variant) {
      unknown.push({ path: `items.${i}.variantId`, message: `no variant ${item.variantId} of this spirit` });
      continue;
    }
    if (variant.status !== "active") {
      throw new DomainError("variant-retired", `${variant.name} is no longer sold.`, {
        extra: { spiritId: item.spiritId, variantId: item.variantId },
      });
    }
    const spirit = spirits.get(item.spiritId);
    if (spirit && variant.price.currency !== spirit.price.currency) {
      throw new DomainError(
        "mixed-currency",
        `${variant.name} is priced in ${variant.price.currency}, its spirit in ${spirit.price.currency}; order them separately.`,
      );
    }
    found.set(key, variant);
  }
  if (unknown.length) {
    throw new DomainError(
      "unknown-variant",
      `The order names ${unknown.length} variant${unknown.length === 1 ? "" : "s"} its spirit does not have.`,
      { errors: unknown },
    );
  }
  return found;
}

/** What one unit of the line costs: its variant's price, or the spirit's for the standard unit. */
export function unitPrice(
  spirit: SpiritForOrder,
  variants: Map<string, VariantForOrder>,
  variantId: string | null,
): { amountMinor: number; currency: string } {
  return variantId ? variants.get(variantKey(spirit.id, variantId))!.price : spirit.price;
}
