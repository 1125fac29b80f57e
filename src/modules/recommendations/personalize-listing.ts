import type { Context } from "hono";
import type { AppEnv } from "../../app-env.ts";

type Page<S> = { items: S[]; nextCursor: string | null };
type SpiritOnPage = Parameters<AppEnv["Variables"]["services"]["recommendations"]["personalize"]>[1][number];

/**
 * The hook a spirit listing calls for `personalize=true`: re-orders the page it already has by the
 * signed-in customer's affinity, so filters, page contents and cursors stay exactly as they were. An
 * anonymous caller, or one with no taste on record yet, gets the page unchanged. The
 * `X-Personalized` header says which happened.
 */
export async function personalizeListing<S extends SpiritOnPage, P extends Page<S>>(
  c: Context<AppEnv>,
  wanted: boolean | undefined,
  page: P,
): Promise<P> {
  if (!wanted) return page;
  const principal = c.get("principal");
  if (!principal) {
    c.header("X-Personalized", "false");
    return page;
  }
  const { items, personalized } = await c
    .get("services")
    .recommendations.personalize(principal.id, page.items);
  c.header("X-Personalized", String(personalized));
  return { ...page, items };
}
