import type { Client } from "@libsql/client";
import type { Logger } from "../../deps.ts";

/**
 * The terms the full-text index knows (from its fts5vocab table), kept in memory for typo tolerance: a
 * word the index does not know is looked for among known terms one or two edits away (Damerau: a swap of
 * neighbours is one edit). The list is reloaded when indexed text changes; when a reload is slow (a big
 * catalog), searches keep using the previous list while the new one loads, so writes never stall reads.
 */
export class Vocabulary {
  private terms: string[] = [];
  private docs = new Int32Array(0);
  private known = new Set<string>();
  private byLength = new Map<number, number[]>();
  private version = -1;
  private loading: Promise<void> | undefined;
  private lastLoadMs = 0;
  private loadedAt = 0;

  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
    /** Reloads slower than this happen in the background. */
    private readonly backgroundAfterMs = 25,
    /** ...and at most this often, so a burst of catalog edits does not keep a core busy reloading. */
    private readonly minBackgroundIntervalMs = 10_000,
  ) {}

  /** Makes sure the list is current enough to use. */
  async ready(): Promise<void> {
    const rs = await this.client.execute("SELECT value FROM search_meta WHERE key = 'vocabulary_version'");
    const version = Number(rs.rows[0]?.value ?? 0);
    if (version === this.version) return;
    const slow = this.version >= 0 && this.lastLoadMs >= this.backgroundAfterMs;
    if (slow && !this.loading && Date.now() - this.loadedAt < this.minBackgroundIntervalMs) return;
    if (!this.loading) {
      this.loading = this.load(version).finally(() => {
        this.loading = undefined;
      });
    }
    const reload = this.loading;
    if (!slow) {
      await reload;
      return;
    }
    reload.catch((err) =>
      this.logger.log("error", { msg: "search vocabulary reload failed", error: String(err) }),
    );
  }

  private async load(version: number): Promise<void> {
    const started = performance.now();
    const rs = await this.client.execute("SELECT term, doc FROM spirits_fts_vocab");
    // Sorted as JavaScript compares strings, for the prefix search (the index sorts by UTF-8 bytes).
    const rows = rs.rows
      .map((r) => ({ term: String(r.term), doc: Number(r.doc) }))
      .sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    const terms: string[] = [];
    const docs = new Int32Array(rows.length);
    const byLength = new Map<number, number[]>();
    rows.forEach(({ term, doc }, i) => {
      terms.push(term);
      docs[i] = doc;
      const bucket = byLength.get(term.length);
      if (bucket) bucket.push(i);
      else byLength.set(term.length, [i]);
    });
    this.terms = terms;
    this.docs = docs;
    this.known = new Set(terms);
    this.byLength = byLength;
    this.version = version;
    this.lastLoadMs = performance.now() - started;
    this.loadedAt = Date.now();
  }

  has(word: string): boolean {
    return this.known.has(word);
  }

  /** How many documents hold the term (0 when unknown). */
  docsWith(word: string): number {
    let lo = 0;
    let hi = this.terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.terms[mid]! < word) lo = mid + 1;
      else hi = mid;
    }
    return this.terms[lo] === word ? this.docs[lo]! : 0;
  }

  /** True when some known term starts with the word (fts5vocab lists terms in order). */
  hasPrefix(word: string): boolean {
    let lo = 0;
    let hi = this.terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.terms[mid]! < word) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.terms.length && this.terms[lo]!.startsWith(word);
  }

  /** The known terms nearest the word (at most `maxEdits` away), commonest first. */
  corrections(word: string, maxEdits: number, limit = 4): string[] {
    const found: { term: string; d: number; docs: number }[] = [];
    for (let len = word.length - maxEdits; len <= word.length + maxEdits; len++) {
      for (const i of this.byLength.get(len) ?? []) {
        const term = this.terms[i]!;
        const d = editDistance(word, term, maxEdits);
        if (d <= maxEdits) found.push({ term, d, docs: this.docs[i]! });
      }
    }
    // Only the nearest: a word one edit off a known term is that term, not also everything two edits away.
    const nearest = Math.min(...found.map((f) => f.d));
    return found
      .filter((f) => f.d === nearest)
      .sort((a, b) => b.docs - a.docs || (a.term < b.term ? -1 : 1))
      .slice(0, limit)
      .map((f) => f.term);
  }

  get size() {
    return this.terms.length;
  }
}

/**
 * Optimal string alignment distance (Levenshtein plus swaps of neighbours), giving up as soon as every
 * path exceeds `max` (then it answers max + 1).
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prevPrev = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prevPrev[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  return Math.min(prev[n]!, max + 1);
}
