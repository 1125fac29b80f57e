/**
 * A spirit as one CSV row: one column per scalar field, `tastingNotes.*` and `flavour.*` for the nested
 * objects, `tags` joined by `|`, and awards, media and attributes as JSON cells (lists a spreadsheet has no
 * shape for). An empty cell clears an optional field. Pure: no I/O.
 */
import { FLAVOUR_DIMENSIONS } from "../../db/schema/catalog.ts";
import type { Spirit } from "./catalog.schemas.ts";

type Cell = string;
/** What a cell reads as: a value for the spirit input, or why it cannot be read. */
type Read = { value: unknown } | { error: string };

type Column = {
  name: string;
  /** Where zod reports this column's problems (the input path it writes). */
  path: string;
  toCell(s: Spirit): Cell;
  /** Writes the cell's value into the input object (missing objects are created). */
  read(cell: Cell): Read;
};

const NUMBER = /^-?\d+(\.\d+)?$/;

const text = (cell: Cell): Read => ({ value: cell });
const nullableText = (cell: Cell): Read => ({ value: cell.trim() === "" ? null : cell });
const number =
  (nullable: boolean) =>
  (cell: Cell): Read => {
    const t = cell.trim();
    if (t === "") return nullable ? { value: null } : { value: undefined };
    return NUMBER.test(t) ? { value: Number(t) } : { error: "must be a number" };
  };
const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  "1": true,
  "0": false,
};
const boolean = (cell: Cell): Read => {
  const t = cell.trim().toLowerCase();
  if (t === "") return { value: undefined };
  return t in BOOLEANS ? { value: BOOLEANS[t] } : { error: "must be true or false" };
};
const json =
  (what: string, empty: unknown) =>
  (cell: Cell): Read => {
    if (cell.trim() === "") return { value: empty };
    try {
      return { value: JSON.parse(cell) };
    } catch {
      return { error: `must be ${what} written as JSON` };
    }
  };
const str = (v: string | number | null | undefined) => (v === null || v === undefined ? "" : String(v));

const plain = (
  name: keyof Spirit & string,
  read: (cell: Cell) => Read,
  toCell: (s: Spirit) => Cell = (s) => str(s[name] as string | number | null),
): Column => ({ name, path: name, toCell, read });

export const SPIRIT_COLUMNS: readonly Column[] = [
  plain("name", text),
  plain("brand", text),
  plain("distillery", text),
  plain("type", text),
  plain("country", (c) => ({ value: c.trim() })),
  plain("region", nullableText),
  plain("vintage", number(true)),
  plain("ageYears", number(true)),
  plain("abv", number(false)),
  plain("caskType", nullableText),
  plain("bottleSizeMl", number(false)),
  {
    name: "priceMinor",
    path: "price.amountMinor",
    toCell: (s) => str(s.price.amountMinor),
    read: number(false),
  },
  {
    name: "currency",
    path: "price.currency",
    toCell: (s) => s.price.currency,
    read: (c) => ({ value: c.trim() }),
  },
  plain("status", (c) => ({ value: c.trim() === "" ? undefined : c.trim() })),
  plain("releaseDate", (c) => ({ value: c.trim() === "" ? null : c.trim() })),
  plain("limitedEdition", boolean, (s) => String(s.limitedEdition)),
  plain("totalOutturn", number(true)),
  plain("maxPerCustomer", number(true)),
  plain("holdMinutes", number(true)),
  plain("preorderAllocation", number(true)),
  plain(
    "tags",
    (c) => ({
      value: c
        .split("|")
        .map((t) => t.trim())
        .filter(Boolean),
    }),
    (s) => s.tags.join("|"),
  ),
  plain("description", text),
  ...(["nose", "palate", "finish"] as const).map(
    (k): Column => ({
      name: `tastingNotes.${k}`,
      path: `tastingNotes.${k}`,
      toCell: (s) => s.tastingNotes[k],
      read: text,
    }),
  ),
  ...FLAVOUR_DIMENSIONS.map(
    (d): Column => ({
      name: `flavour.${d}`,
      path: `flavourProfile.${d}`,
      toCell: (s) => str(s.flavourProfile[d]),
      read: number(false),
    }),
  ),
  plain("awards", json("a list of awards", []), (s) => (s.awards.length ? JSON.stringify(s.awards) : "")),
  plain("media", json("a list of media", []), (s) => (s.media.length ? JSON.stringify(s.media) : "")),
  plain("attributes", json("an object", {}), (s) =>
    Object.keys(s.attributes).length ? JSON.stringify(s.attributes) : "",
  ),
];

/** The export's header: the id first (empty on a row to import means "create"). */
export const SPIRIT_CSV_HEADER = ["id", ...SPIRIT_COLUMNS.map((c) => c.name)] as const;

export const spiritToCells = (s: Spirit): string[] => [s.id, ...SPIRIT_COLUMNS.map((c) => c.toCell(s))];

const byName = new Map(SPIRIT_COLUMNS.map((c) => [c.name, c]));
const byPath = new Map(SPIRIT_COLUMNS.map((c) => [c.path, c.name]));

/** The CSV column a zod issue path (`price.amountMinor`, `awards.0.year`) belongs to. */
export function columnOfPath(path: string): string {
  let p = path;
  while (p) {
    const name = byPath.get(p);
    if (name) return name;
    const cut = p.lastIndexOf(".");
    p = cut < 0 ? "" : p.slice(0, cut);
  }
  return path;
}

/**
 * Writes the row's cells over `base` (a spirit's writable fields, or {} for a new one): columns the file
 * does not have keep their value. Answers the merged input and the cells that could not be read (left out
 * of it, so the rest of the row is still checked).
 */
export function mergeCells(
  base: Record<string, unknown>,
  cells: Record<string, string>,
): { input: Record<string, unknown>; errors: { column: string; message: string }[] } {
  const input = structuredClone(base);
  const errors: { column: string; message: string }[] = [];
  for (const [name, cell] of Object.entries(cells)) {
    const column = byName.get(name);
    if (!column) continue;
    const read = column.read(cell);
    if ("error" in read) {
      errors.push({ column: name, message: read.error });
      continue;
    }
    const keys = column.path.split(".");
    let target = input;
    for (const k of keys.slice(0, -1)) {
      if (typeof target[k] !== "object" || target[k] === null) target[k] = {};
      target = target[k] as Record<string, unknown>;
    }
    const last = keys.at(-1)!;
    if (read.value === undefined) delete target[last];
    else target[last] = read.value;
  }
  return { input, errors };
}
