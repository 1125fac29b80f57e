import type { Client, InValue, Row } from "@libsql/client";
import { COLUMN_FACETS, type ColumnFacet, dayOf, type TermKind } from "./search-filters.ts";

/**
 * An in-memory, column-wise copy of the search index's filter and facet columns (search_documents and
 * search_terms). Counting a dozen facets over 100,000 rows is a few milliseconds in typed arrays and
 * hundreds in SQL GROUP BYs, so facets and totals are counted here while the database stays the truth:
 * the copy is loaded from it, and before each search it reads the index's change log (search_changes,
 * filled by triggers in the same transactions as the writes) and applies what changed since last time.
 */

/** Strings to small integers and back; code 0 stands for null. */
export class Dictionary {
  readonly values: (string | null)[] = [null];
  private readonly index = new Map<string, number>();

  code(value: string | null): number {
    if (value === null) return 0;
    let c = this.index.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(value);
      this.index.set(value, c);
    }
    return c;
  }

  /** The code of a value, or -1 when no document has it. */
  find(value: string): number {
    return this.index.get(value) ?? -1;
  }

  get size() {
    return this.values.length;
  }
}

const COLUMN_NAMES = Object.keys(COLUMN_FACETS) as ColumnFacet[];

const DOCUMENT_SELECT = `SELECT doc_id, spirit_id, status, type, country, region, distillery, brand, age_years,
  age_bucket, vintage, abv, price_minor, currency, price_bucket, release_date, limited, rating, rating_count,
  created_at FROM search_documents`;
// char(31) between a term's kind and value, char(30) between terms: neither can be typed into a tag.
const TERMS_SELECT = `SELECT doc_id, group_concat(facet || char(31) || value, char(30)) AS terms
  FROM search_terms`;

const LOAD_CHUNK = 5000;

const num = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(v));

export class DocumentStore {
  /** Number of positions used (deleted documents keep theirs until the next full load). */
  size = 0;
  private capacity = 0;
  alive = new Uint8Array(0);
  docId = new Int32Array(0);
  spiritId: string[] = [];
  createdAt: string[] = [];
  readonly dicts = Object.fromEntries(COLUMN_NAMES.map((c) => [c, new Dictionary()])) as Record<
    ColumnFacet,
    Dictionary
  >;
  codes = Object.fromEntries(COLUMN_NAMES.map((c) => [c, new Uint32Array(0)])) as Record<
    ColumnFacet,
    Uint32Array
  >;
  readonly currencies = new Dictionary();
  currency = new Uint32Array(0);
  age = new Float64Array(0);
  vintage = new Float64Array(0);
  abv = new Float64Array(0);
  price = new Float64Array(0);
  rating = new Float64Array(0);
  ratingCount = new Float64Array(0);
  releaseDay = new Float64Array(0);
  /** created_at in milliseconds, the default order. */
  createdMs = new Float64Array(0);
  limited = new Uint8Array(0);
  /** Term codes per position (tags, awards, medals, casks), in one code space. */
  terms: (Int32Array | undefined)[] = [];
  readonly termDict = new Dictionary();
  /** For each term code, which facet it belongs to. */
  termKind: (TermKind | undefined)[] = [undefined];
  private posOfDoc = new Int32Array(0);

  private generation = -1;
  private lastSeq = 0;
  private refreshing: Promise<void> | undefined;
  /** When the copy was last compared with the database (ms), and how long loads take. */
  loadedAt = 0;
  lastFullLoadMs = 0;

  constructor(private readonly client: Client) {}

  /** Brings the copy up to date with the database; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** One more than the largest doc id known: the length of a per-doc-id array. */
  get docIdLimit(): number {
    return this.posOfDoc.length;
  }

  /** Position of a document, or -1. */
  positionOf(docId: number): number {
    return docId < this.posOfDoc.length ? this.posOfDoc[docId]! : -1;
  }

  termCode(kind: TermKind, value: string): number {
    return this.termDict.find(`${kind}\u001f${value}`);
  }

  termValue(code: number): string {
    const key = this.termDict.values[code] ?? "";
    return key.slice(key.indexOf("\u001f") + 1);
  }

  private async doRefresh(): Promise<void> {
    const rs = await this.client.execute(
      `SELECT (SELECT value FROM search_meta WHERE key = 'generation') AS generation,
              (SELECT min(seq) FROM search_changes) AS lo, (SELECT max(seq) FROM search_changes) AS hi`,
    );
    const row = rs.rows[0];
    const generation = Number(row?.generation ?? 0);
    const lo = row?.lo === null || row?.lo === undefined ? null : Number(row.lo);
    const hi = row?.hi === null || row?.hi === undefined ? 0 : Number(row.hi);
    const missedSome = lo !== null && lo > this.lastSeq + 1 && hi > this.lastSeq;
    if (generation !== this.generation || missedSome || hi < this.lastSeq) {
      await this.loadAll();
    } else if (hi > this.lastSeq) {
      await this.applyChanges(this.lastSeq, hi);
    }
    this.loadedAt = Date.now();
  }

  private async loadAll(): Promise<void> {
    const started = performance.now();
    // One read transaction: the documents, their terms and the log position belong together. Chunks keep
    // the peak small (a result set of 100,000 rows at once costs far more memory than the copy itself).
    const tx = await this.client.transaction("read");
    try {
      const meta = await tx.execute(
        `SELECT (SELECT value FROM search_meta WHERE key = 'generation') AS generation,
                (SELECT coalesce(max(seq), 0) FROM search_changes) AS hi,
                (SELECT count(*) FROM search_documents) AS n`,
      );
      this.reset(Number(meta.rows[0]?.n ?? 0));
      for (let after = 0; ; ) {
        const docs = await tx.execute({
          sql: `${DOCUMENT_SELECT} WHERE doc_id > ? ORDER BY doc_id LIMIT ${LOAD_CHUNK}`,
          args: [after],
        });
        if (!docs.rows.length) break;
        for (const r of docs.rows) this.put(r);
        const last = Number(docs.rows.at(-1)!.doc_id);
        const terms = await tx.execute({
          sql: `${TERMS_SELECT} WHERE doc_id > ? AND doc_id <= ? GROUP BY doc_id`,
          args: [after, last],
        });
        for (const r of terms.rows) this.putTerms(Number(r.doc_id), r.terms as string | null);
        after = last;
      }
      this.generation = Number(meta.rows[0]?.generation ?? 0);
      this.lastSeq = Number(meta.rows[0]?.hi ?? 0);
    } finally {
      tx.close();
    }
    this.lastFullLoadMs = performance.now() - started;
  }

  private async applyChanges(after: number, upTo: number): Promise<void> {
    const changed = `SELECT DISTINCT doc_id FROM search_changes WHERE seq > ? AND seq <= ?`;
    const args: InValue[] = [after, upTo];
    const [ids, docs, terms] = await this.client.batch(
      [
        { sql: changed, args },
        { sql: `${DOCUMENT_SELECT} WHERE doc_id IN (${changed})`, args },
        { sql: `${TERMS_SELECT} WHERE doc_id IN (${changed}) GROUP BY doc_id`, args },
      ],
      "read",
    );
    const present = new Set<number>();
    for (const r of docs!.rows) {
      present.add(Number(r.doc_id));
      this.put(r);
    }
    for (const r of ids!.rows) {
      const id = Number(r.doc_id);
      const p = this.positionOf(id);
      if (p < 0) continue;
      if (!present.has(id)) this.alive[p] = 0;
      this.terms[p] = undefined;
    }
    for (const r of terms!.rows) this.putTerms(Number(r.doc_id), r.terms as string | null);
    this.lastSeq = upTo;
  }

  private reset(expected: number) {
    this.size = 0;
    this.capacity = 0;
    this.spiritId = [];
    this.createdAt = [];
    this.terms = [];
    this.posOfDoc = new Int32Array(0);
    this.grow(Math.max(16, expected));
  }

  private grow(min: number) {
    if (min <= this.capacity) return;
    const cap = Math.max(min, this.capacity * 2);
    const extend = <T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(
      a: T,
      fill?: number,
    ): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      if (fill !== undefined) b.fill(fill, a.length);
      return b;
    };
    this.alive = extend(this.alive);
    this.docId = extend(this.docId);
    for (const c of COLUMN_NAMES) this.codes[c] = extend(this.codes[c]);
    this.currency = extend(this.currency);
    this.age = extend(this.age, Number.NaN);
    this.vintage = extend(this.vintage, Number.NaN);
    this.abv = extend(this.abv, Number.NaN);
    this.price = extend(this.price, Number.NaN);
    this.rating = extend(this.rating, Number.NaN);
    this.ratingCount = extend(this.ratingCount);
    this.releaseDay = extend(this.releaseDay, Number.NaN);
    this.createdMs = extend(this.createdMs, Number.NaN);
    this.limited = extend(this.limited);
    this.capacity = cap;
  }

  private slotFor(docId: number): number {
    let p = this.positionOf(docId);
    if (p >= 0) return p;
    if (docId >= this.posOfDoc.length) {
      const next = new Int32Array(Math.max(docId + 1, this.posOfDoc.length * 2, 1024)).fill(-1);
      next.set(this.posOfDoc);
      this.posOfDoc = next;
    }
    p = this.size++;
    this.grow(this.size);
    this.posOfDoc[docId] = p;
    this.docId[p] = docId;
    return p;
  }

  private put(r: Row) {
    const p = this.slotFor(Number(r.doc_id));
    this.alive[p] = 1;
    this.spiritId[p] = String(r.spirit_id);
    this.createdAt[p] = String(r.created_at);
    for (const c of COLUMN_NAMES) {
      const v = r[COLUMN_FACETS[c].column];
      this.codes[c][p] = this.dicts[c].code(v === null || v === undefined ? null : String(v));
    }
    this.currency[p] = this.currencies.code(String(r.currency));
    this.age[p] = num(r.age_years);
    this.vintage[p] = num(r.vintage);
    this.abv[p] = num(r.abv);
    this.price[p] = num(r.price_minor);
    this.rating[p] = num(r.rating);
    this.ratingCount[p] = num(r.rating_count) || 0;
    this.releaseDay[p] = r.release_date ? dayOf(String(r.release_date)) : Number.NaN;
    this.createdMs[p] = Date.parse(String(r.created_at));
    this.limited[p] = Number(r.limited) ? 1 : 0;
  }

  private putTerms(docId: number, packed: string | null) {
    const p = this.positionOf(docId);
    if (p < 0 || !packed) return;
    const parts = packed.split("\u001e");
    const codes = new Int32Array(parts.length);
    parts.forEach((key, i) => {
      const code = this.termDict.code(key);
      if (code === this.termKind.length) this.termKind.push(key.slice(0, key.indexOf("\u001f")) as TermKind);
      codes[i] = code;
    });
    this.terms[p] = codes;
  }
}
