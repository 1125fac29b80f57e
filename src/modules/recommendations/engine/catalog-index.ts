import { FLAVOUR_DIMENSIONS, FLAVOUR_SCORE_MAX } from "../../../db/schema/catalog.ts";
import type { EngineSpirit } from "./types.ts";

export const D = FLAVOUR_DIMENSIONS.length;

/** Maps names (types, regions, distilleries...) to small integers, so scoring reads typed arrays only. */
export class Vocabulary {
  readonly codes = new Map<string, number>();
  readonly names: string[] = [];
  code(name: string | null | undefined): number {
    if (name === null || name === undefined || name === "") return -1;
    const key = name.toLowerCase();
    let c = this.codes.get(key);
    if (c === undefined) {
      c = this.names.length;
      this.codes.set(key, c);
      this.names.push(name);
    }
    return c;
  }
  find(name: string | null | undefined): number {
    if (!name) return -1;
    return this.codes.get(name.toLowerCase()) ?? -1;
  }
  get size() {
    return this.names.length;
  }
}

/**
 * The catalog laid out for scoring: flavour profiles centred on the catalog's mean and normalised (so a
 * dot product is a cosine that tells tastes apart, instead of every whisky looking alike), and every
 * category as an integer code.
 */
export class CatalogIndex {
  readonly n: number;
  readonly index = new Map<string, number>();
  /** Centred, unit-length flavour vectors, D per spirit. */
  readonly flavour: Float32Array;
  /** Raw scores 0..4, D per spirit (for reasons such as "matches your smoky profile"). */
  readonly flavourRaw: Float32Array;
  readonly mean = new Float32Array(D);
  readonly types = new Vocabulary();
  readonly regions = new Vocabulary();
  readonly distilleries = new Vocabulary();
  readonly casks = new Vocabulary();
  readonly tags = new Vocabulary();
  readonly currencies = new Vocabulary();
  readonly type: Int32Array;
  readonly region: Int32Array;
  readonly distillery: Int32Array;
  readonly cask: Int32Array;
  readonly currency: Int32Array;
  readonly tagStart: Int32Array;
  readonly tagList: Int32Array;
  readonly price: Float64Array;
  readonly offerable: Uint8Array;
  readonly inStock: Uint8Array;

  constructor(readonly spirits: EngineSpirit[]) {
    const n = spirits.length;
    this.n = n;
    this.flavour = new Float32Array(n * D);
    this.flavourRaw = new Float32Array(n * D);
    this.type = new Int32Array(n);
    this.region = new Int32Array(n);
    this.distillery = new Int32Array(n);
    this.cask = new Int32Array(n);
    this.currency = new Int32Array(n);
    this.tagStart = new Int32Array(n + 1);
    this.price = new Float64Array(n);
    this.offerable = new Uint8Array(n);
    this.inStock = new Uint8Array(n);
    const tagList: number[] = [];
    spirits.forEach((s, i) => {
      this.index.set(s.id, i);
      FLAVOUR_DIMENSIONS.forEach((dim, d) => {
        const v = (s.flavour[dim] ?? 0) / FLAVOUR_SCORE_MAX;
        this.flavourRaw[i * D + d] = v * FLAVOUR_SCORE_MAX;
        this.flavour[i * D + d] = v;
        this.mean[d]! += v / Math.max(1, n);
      });
      this.type[i] = this.types.code(s.type);
      this.region[i] = this.regions.code(s.region);
      this.distillery[i] = this.distilleries.code(s.distillery);
      this.cask[i] = this.casks.code(normaliseCask(s.caskType));
      this.currency[i] = this.currencies.code(s.currency);
      this.tagStart[i] = tagList.length;
      for (const t of new Set(s.tags)) tagList.push(this.tags.code(t));
      this.price[i] = s.priceMinor;
      this.offerable[i] = s.offerable ? 1 : 0;
      this.inStock[i] = s.inStock ? 1 : 0;
    });
    this.tagStart[n] = tagList.length;
    this.tagList = Int32Array.from(tagList);
    for (let i = 0; i < n; i++) centreAndNormalise(this.flavour, i * D, this.mean);
  }

  /** A flavour profile (0..4 per dimension) as a centred unit vector, or undefined when it is empty. */
  flavourVector(profile: Record<string, number> | undefined): Float32Array | undefined {
    if (!profile || !Object.keys(profile).length) return undefined;
    const v = new Float32Array(D);
    FLAVOUR_DIMENSIONS.forEach((dim, d) => {
      v[d] = (profile[dim] ?? 0) / FLAVOUR_SCORE_MAX;
    });
    return centreAndNormalise(v, 0, this.mean) ? v : undefined;
  }

  hasTag(i: number, tagCode: number): boolean {
    for (let k = this.tagStart[i]!; k < this.tagStart[i + 1]!; k++)
      if (this.tagList[k] === tagCode) return true;
    return false;
  }

  /** How alike two spirits are, 0..1: flavour first, then what they are and where they come from. */
  similarity(a: number, b: number): number {
    let dot = 0;
    for (let d = 0; d < D; d++) dot += this.flavour[a * D + d]! * this.flavour[b * D + d]!;
    let s = 0.45 * Math.max(0, dot);
    if (this.type[a] === this.type[b]) s += 0.15;
    if (this.distillery[a] === this.distillery[b]) s += 0.12;
    if (this.region[a] !== -1 && this.region[a] === this.region[b]) s += 0.1;
    if (this.cask[a] !== -1 && this.cask[a] === this.cask[b]) s += 0.06;
    let shared = 0;
    const na = this.tagStart[a + 1]! - this.tagStart[a]!;
    const nb = this.tagStart[b + 1]! - this.tagStart[b]!;
    for (let k = this.tagStart[a]!; k < this.tagStart[a + 1]!; k++)
      if (this.hasTag(b, this.tagList[k]!)) shared++;
    if (na + nb - shared > 0) s += 0.07 * (shared / (na + nb - shared));
    if (this.currency[a] === this.currency[b] && this.price[a]! > 0 && this.price[b]! > 0) {
      s += (0.05 * Math.min(this.price[a]!, this.price[b]!)) / Math.max(this.price[a]!, this.price[b]!);
    }
    return s;
  }
}

/** "First-fill Oloroso sherry butts" and "sherry hogshead" are both sherry casks to a drinker. */
export function normaliseCask(cask: string | null): string | null {
  if (!cask) return null;
  const c = cask.toLowerCase();
  for (const kind of [
    "sherry",
    "bourbon",
    "port",
    "wine",
    "rum",
    "madeira",
    "virgin oak",
    "cognac",
    "mizunara",
  ]) {
    if (c.includes(kind)) return kind;
  }
  if (c.includes("oloroso") || c.includes("px") || c.includes("pedro")) return "sherry";
  return c;
}

function centreAndNormalise(v: Float32Array, offset: number, mean: Float32Array): boolean {
  let norm = 0;
  for (let d = 0; d < D; d++) {
    const x = v[offset + d]! - mean[d]!;
    v[offset + d] = x;
    norm += x * x;
  }
  if (norm < 1e-9) {
    for (let d = 0; d < D; d++) v[offset + d] = 0;
    return false;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let d = 0; d < D; d++) v[offset + d] = v[offset + d]! * inv;
  return true;
}
