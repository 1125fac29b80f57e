/**
 * Reads what a collector typed: words, "quoted phrases", and the price words people use ("under 300",
 * "£50-100", "over €1000"). Nothing typed ever reaches FTS5 as syntax: the words come out as plain
 * letters and digits, and fts-query.ts quotes each one.
 */

export type TermGroup =
  | { kind: "word"; word: string; prefix: boolean }
  | { kind: "phrase"; words: string[]; prefix: boolean };

export type PriceHint = { min?: number; max?: number; currency?: string };

export type ParsedQuery = {
  groups: TermGroup[];
  price: PriceHint | undefined;
  /** Words left out: too common to narrow anything ("the", "and"), or beyond the word limit. */
  ignored: string[];
};

export const MAX_QUERY_GROUPS = 12;

const STOPWORDS = new Set([
  "a",
  "an",
  "the",
  "and",
  "or",
  "of",
  "with",
  "in",
  "on",
  "for",
  "to",
  "by",
  "at",
  "is",
  "not",
]);
const SYMBOLS: Record<string, string> = { "£": "GBP", $: "USD", "€": "EUR", "¥": "JPY" };

/** Lower case without accents, as the FTS tokenizer (unicode61, remove_diacritics 2) sees text. */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/** Letters, digits and private-use characters make tokens, like FTS5's unicode61 tokenizer. */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
export const wordsOf = (text: string) => foldText(text).match(WORD) ?? [];

const AMOUNT = String.raw`([£$€¥])?\s*(\d{1,7}(?:[.,]\d{1,2})?)\s*(k\b)?`;
const UNDER = new RegExp(
  String.raw`(?:^|\s)(?:under|below|less than|cheaper than|max|up to|upto|<=?)\s*${AMOUNT}`,
  "giu",
);
const OVER = new RegExp(String.raw`(?:^|\s)(?:over|above|more than|at least|min|>=?)\s*${AMOUNT}`, "giu");
const BETWEEN = /(?:^|\s)(?:between\s+)?([£$€¥])\s*(\d{1,7})\s*(?:-|–|to|and)\s*[£$€¥]?\s*(\d{1,7})\b/giu;
const BARE = /(?:^|\s)([£$€¥])\s*(\d{1,7}(?:[.,]\d{1,2})?)(k\b)?/giu;

const amount = (digits: string, k: string | undefined) => Number(digits.replace(",", ".")) * (k ? 1000 : 1);

/** Takes the price words out of the text and answers what they meant, in major units. */
function takePrice(text: string): { rest: string; price: PriceHint | undefined } {
  const price: PriceHint = {};
  const symbol = (s: string | undefined) => {
    if (s && !price.currency) price.currency = SYMBOLS[s];
  };
  let rest = text.replace(BETWEEN, (_m, s: string, lo: string, hi: string) => {
    symbol(s);
    price.min = Number(lo);
    price.max = Number(hi);
    return " ";
  });
  rest = rest.replace(UNDER, (_m, s: string | undefined, digits: string, k: string | undefined) => {
    symbol(s);
    price.max = amount(digits, k);
    return " ";
  });
  rest = rest.replace(OVER, (_m, s: string | undefined, digits: string, k: string | undefined) => {
    symbol(s);
    price.min = amount(digits, k);
    return " ";
  });
  // "islay £100": a price on its own is a budget.
  rest = rest.replace(BARE, (_m, s: string, digits: string, k: string | undefined) => {
    symbol(s);
    price.max ??= amount(digits, k);
    return " ";
  });
  const found = price.min !== undefined || price.max !== undefined;
  if (found && price.min !== undefined && price.max !== undefined && price.min > price.max) {
    [price.min, price.max] = [price.max, price.min];
  }
  return { rest, price: found ? price : undefined };
}

export function parseQuery(q: string): ParsedQuery {
  // Quotes of any kind open and close phrases; an unclosed one runs to the end (still being typed).
  const normalised = q.replace(/[“”„«»]/g, '"');
  const { rest, price } = takePrice(normalised);
  const typingLastWord = /[\p{L}\p{N}]$/u.test(rest.trimStart()) && !/\s$/.test(q);
  const groups: TermGroup[] = [];
  const stopped: TermGroup[] = [];
  const parts = rest.split('"');
  parts.forEach((part, i) => {
    const inPhrase = i % 2 === 1;
    const isLast = i === parts.length - 1;
    // "18yo" is how people write an age; the names say "18 Year Old".
    const words = wordsOf(part.replace(/(\d+)\s*y\.?o\.?\b/giu, "$1"));
    if (!words.length) return;
    if (inPhrase && words.length > 1) {
      groups.push({ kind: "phrase", words, prefix: isLast && typingLastWord });
      return;
    }
    words.forEach((word, j) => {
      const group: TermGroup = {
        kind: "word",
        word,
        prefix: isLast && j === words.length - 1 && typingLastWord,
      };
      (STOPWORDS.has(word) && !inPhrase ? stopped : groups).push(group);
    });
  });
  const ignored = stopped.map((g) => (g.kind === "word" ? g.word : g.words.join(" ")));
  // A query of nothing but common words still searches for them.
  const kept = groups.length ? groups : stopped.splice(0);
  if (!groups.length) ignored.length = 0;
  ignored.push(
    ...kept.slice(MAX_QUERY_GROUPS).map((g) => (g.kind === "word" ? g.word : `"${g.words.join(" ")}"`)),
  );
  // The word being typed is the last word only if nothing (a stopword, a phrase) came after it.
  return { groups: kept.slice(0, MAX_QUERY_GROUPS), price, ignored };
}

/** Minor units per major unit, for the currencies that do not use two decimals (as in the migration). */
const ZERO_DECIMALS = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMALS = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

export function toMinorUnits(major: number, currency: string): number {
  const factor = ZERO_DECIMALS.has(currency) ? 1 : THREE_DECIMALS.has(currency) ? 1000 : 100;
  return Math.round(major * factor);
}
