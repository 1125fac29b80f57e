/** Pages of spirits, by filters and a sort, for the catalog's list and the search module. */
import { and, type SQL } from "drizzle-orm";
import { selectRows } from "../../db/kept-read.ts";
import { afterCursor, decodeCursor, orderByOf, page, type Sort } from "../../db/keyset.ts";
import { type SpiritRow, spirits } from "../../db/schema/catalog.ts";
import type { Deps } from "../../deps.ts";
import { toSpirit } from "./spirit-mapping.ts";
import {
  SPIRIT_SORTS,
  type SpiritFilters,
  type SpiritSortName,
  spiritFilterConditions,
} from "./spirit-query.ts";

export type ListSpiritsParams = {
  filters?: SpiritFilters;
  limit: number;
  cursor?: string | undefined;
  /** A named sort, or the search module's own (its keys must end on a unique column). */
  sort?: SpiritSortName | Sort<SpiritRow>;
  /** Extra conditions from other modules (the search module adds full-text matches and more filters). */
  where?: SQL[];
};

export async function listSpirits(deps: Deps, params: ListSpiritsParams) {
  const { db } = deps;
  const sort = typeof params.sort === "object" ? params.sort : SPIRIT_SORTS[params.sort ?? "newest"];
  // A bad cursor is a 422 whether or not this query's SQL is known already.
  const after = params.cursor ? decodeCursor(sort, params.cursor) : undefined;
  // A named sort and the simple filters: the SQL is theirs alone, so its compiled text can be reused.
  const memoKey =
    typeof params.sort === "object" || params.where?.length
      ? undefined
      : JSON.stringify(["spirits", sort.name, params.filters ?? {}, params.limit, params.cursor ?? null]);
  const build = (limit: number) => () => {
    const where = [...spiritFilterConditions(params.filters ?? {}), ...(params.where ?? [])];
    if (after) where.push(afterCursor(sort, after));
    return db
      .select()
      .from(spirits)
      .where(and(...where))
      .orderBy(...orderByOf(sort))
      .limit(limit);
  };
  return page(
    sort,
    params.limit,
    (limit) => selectRows(deps.client, spirits, build(limit), memoKey),
    toSpirit,
  );
}
