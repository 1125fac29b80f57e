import { z } from "@hono/zod-openapi";

/** Query parameters that take several values, shared by every list route (search filters, order statuses). */

export const MAX_VALUES = 30;

export const asArray = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const splitCommas = (v: unknown) =>
  asArray(v)
    ?.flatMap((x) => String(x).split(","))
    .map((s) => s.trim())
    .filter(Boolean);

/** What a list's values look like in the document: an enum's values, or a plain string with `item` given. */
export type ItemDoc = { type: "string"; enum?: string[]; pattern?: string; maxLength?: number };

/**
 * A comma-separated or repeated list of values that each pass `item`. A bad value is reported on the
 * parameter itself (`type`, not `type.1`), naming the value. The document says array, written the
 * comma-separated way (`style: form, explode: false`), so generated clients type each value.
 */
export const csvList = <T extends string>(
  item: z.ZodType<T>,
  description: string,
  items: ItemDoc = item instanceof z.ZodEnum
    ? { type: "string", enum: item.options as string[] }
    : { type: "string" },
) =>
  z
    .preprocess(
      splitCommas,
      z
        .array(z.string())
        .max(MAX_VALUES, `must have at most ${MAX_VALUES} values`)
        .superRefine((values, ctx) => {
          for (const v of values) {
            const r = item.safeParse(v);
            if (!r.success)
              ctx.addIssue({ code: "custom", message: `"${v.slice(0, 40)}" ${r.error.issues[0]?.message}` });
          }
        })
        .transform((values) => values as T[])
        .optional(),
    )
    .openapi({
      type: "array",
      items,
      maxItems: MAX_VALUES,
      description: `${description} Comma-separated, or the parameter repeated.`,
      param: { style: "form", explode: false },
    });

/** A yes/no query parameter: `true`/`false` (or `1`/`0`), a boolean in the document. */
export const queryFlag = (description: string) =>
  z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .transform((v) => v === "true" || v === "1")
    .optional()
    .openapi({ type: "boolean", description });
