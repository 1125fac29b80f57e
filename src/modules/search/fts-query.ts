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

/**
 * `expression` finds the documents. `rankExpression` orders them: the same, less the words found in more
 * than half the documents, which weigh nothing in bm25 (FTS5 floors their IDF at almost zero) but cost
 * the most to score ("cask" is in two spirits of three). Ranking with it is only right over documents
 * the full expression matched, which is how the service uses it.
 */
export function buildMatchExpression(
  groups: TermGroup[],
  vocabulary: Vocabulary,
  strategy: MatchingStrategy,
  totalDocs = 0,
): { expression: string; rankExpression: string; terms: TermReport[] } {
  const terms: TermReport[] = [];
  const weightless: boolean[] = [];
  const parts = groups.map((g) => {
    if (g.kind === "phrase") {
      const prefix = g.prefix && g.words.at(-1)!.length >= 2;
      terms.push({ term: g.words.join(" "), prefix, corrections: [] });
      weightless.push(false);
      return `${quote(g.words.join(" "))}${prefix ? "*" : ""}`;
    }
    const prefix = g.prefix && g.word.length >= 2;
    const known = vocabulary.has(g.word) || (prefix && vocabulary.hasPrefix(g.word));
    const edits = known ? 0 : allowedEdits(g.word);
    const corrections = edits ? vocabulary.corrections(g.word, edits) : [];
    terms.push({ term: g.word, prefix, corrections });
    weightless.push(
      !prefix && !corrections.length && totalDocs > 0 && vocabulary.docsWith(g.word) > totalDocs / 2,
    );
    const alternatives = [`${quote(g.word)}${prefix ? "*" : ""}`, ...corrections.map(quote)];
    return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(" OR ")})`;
  });
  const join = (list: string[]) => list.join(strategy === "all" ? " AND " : " OR ");
  const weighty = parts.filter((_, i) => !weightless[i]);
  const rankExpression = strategy === "all" && weighty.length > 0 ? join(weighty) : join(parts);
  return { expression: join(parts), rankExpression, terms };
}
