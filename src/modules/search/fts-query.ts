import type { TermGroup } from "./query-text.ts";
import type { Vocabulary } from "./vocabulary.ts";

/**
 * Builds the FTS5 MATCH expression from parsed words. Every word is written as a quoted string of
 * letters and digits, so nothing a user types can act as FTS5 syntax (operators, columns, NEAR, `*`,
 * `^`, quotes): the only syntax in the expression is what this file writes.
 */

export type MatchingStrategy = "all" | "any";

/** What happened to one word: matched as typed, as a prefix, or through corrections. */
export type TermReport = { term: string; prefix: boolean; corrections: string[] };

const quote = (word: string) => `"${word.replaceAll('"', '""')}"`;

/** How many edits a word may be off by: none when short, one from 4 letters, two from 8. */
export function allowedEdits(word: string): number {
  if (/^\d+$/.test(word) || word.length < 4) return 0;
  return word.length >= 8 ? 2 : 1;
}

export function buildMatchExpression(
  groups: TermGroup[],
  vocabulary: Vocabulary,
  strategy: MatchingStrategy,
): { expression: string; terms: TermReport[] } {
  const terms: TermReport[] = [];
  const parts = groups.map((g) => {
    if (g.kind === "phrase") {
      const prefix = g.prefix && g.words.at(-1)!.length >= 2;
      terms.push({ term: g.words.join(" "), prefix, corrections: [] });
      return `${quote(g.words.join(" "))}${prefix ? "*" : ""}`;
    }
    const prefix = g.prefix && g.word.length >= 2;
    const known = vocabulary.has(g.word) || (prefix && vocabulary.hasPrefix(g.word));
    const edits = known ? 0 : allowedEdits(g.word);
    const corrections = edits ? vocabulary.corrections(g.word, edits) : [];
    terms.push({ term: g.word, prefix, corrections });
    const alternatives = [`${quote(g.word)}${prefix ? "*" : ""}`, ...corrections.map(quote)];
    return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(" OR ")})`;
  });
  return { expression: parts.join(strategy === "all" ? " AND " : " OR "), terms };
}
