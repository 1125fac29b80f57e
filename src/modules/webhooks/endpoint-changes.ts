/** Staff's changes of webhook endpoints: creating, editing, removing, and rotating their secrets. */
import { eq } from "drizzle-orm";
import { newId } from "../../db/ids.ts";
import { webhookEndpoints } from "../../db/schema/webhooks.ts";
import type { Deps } from "../../deps.ts";
import { DomainError } from "../../domain-error.ts";
import { type EndpointRow, endpointNotFound, requireEndpointRow, toEndpoint } from "./endpoint-views.ts";
import { newWebhookSecret } from "./signing.ts";
import { refuseWebhookUrl } from "./url-guard.ts";
import type { WebhooksContext } from "./webhooks.context.ts";
import type { WebhookEndpointInput, WebhookEndpointPatch } from "./webhooks.schemas.ts";

/** How long a rotated-out secret keeps signing beside the new one, so receivers can switch over. */
const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

async function checkUrl(deps: Deps, url: string) {
  const why = await refuseWebhookUrl(url, {
    allowPrivate: deps.config.WEBHOOKS_ALLOW_PRIVATE_URLS,
    resolve: deps.resolveHost,
  });
  if (why) {
    throw new DomainError("validation", `The endpoint URL ${why}.`, {
      errors: [{ path: "url", message: why }],
    });
  }
}

/** The new endpoint with its secret: the only answer that shows it, besides a rotation's. */
export async function createEndpoint({ deps }: WebhooksContext, input: WebhookEndpointInput) {
  await checkUrl(deps, input.url);
  const at = deps.clock.now().toISOString();
  const row: EndpointRow = {
    id: newId("whe"),
    url: input.url,
    description: input.description ?? null,
    eventTypes: input.eventTypes,
    secret: newWebhookSecret(),
    previousSecret: null,
    previousSecretUntil: null,
    enabled: input.enabled,
    disabledReason: null,
    failingSince: null,
    createdAt: at,
    updatedAt: at,
  };
  await deps.db.insert(webhookEndpoints).values(row);
  return { ...toEndpoint(row), secret: row.secret };
}

export async function updateEndpoint(ctx: WebhooksContext, id: string, patch: WebhookEndpointPatch) {
  const { db, clock } = ctx.deps;
  await requireEndpointRow(ctx, id);
  if (patch.url !== undefined) await checkUrl(ctx.deps, patch.url);
  // Turning it on (again) starts its failure record afresh.
  const reenabled = patch.enabled === true ? { disabledReason: null, failingSince: null } : {};
  const [row] = await db
    .update(webhookEndpoints)
    .set({ ...patch, ...reenabled, updatedAt: clock.now().toISOString() })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  if (!row) throw endpointNotFound(id);
  return toEndpoint(row);
}

export async function removeEndpoint(ctx: WebhooksContext, id: string) {
  await requireEndpointRow(ctx, id);
  await ctx.deps.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
}

export async function rotateSecret(ctx: WebhooksContext, id: string) {
  const { db, clock } = ctx.deps;
  const row = await requireEndpointRow(ctx, id);
  const until = new Date(clock.now().getTime() + ROTATION_OVERLAP_MS).toISOString();
  const secret = newWebhookSecret();
  await db
    .update(webhookEndpoints)
    .set({
      secret,
      previousSecret: row.secret,
      previousSecretUntil: until,
      updatedAt: clock.now().toISOString(),
    })
    .where(eq(webhookEndpoints.id, id));
  return { secret, previousValidUntil: until };
}
