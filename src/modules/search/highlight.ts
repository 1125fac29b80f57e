import { foldText } from "./query-text.ts";

/**
 * Highlights and snippets, made here rather than by FTS5's highlight()/snippet() (which read the
 * document back through the content view, at several milliseconds a row). The words are matched the way
 * the index matched them: folded case and accents, the word being typed as a prefix, corrections, and
 * phrases as consecutive words. The text is HTML-escaped and matches wrapped in <mark>, so a client can
 * show it as HTML without trusting the catalog's text.
 */

export type HighlightTerm = { words: string[]; prefix: boolean };

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

type Token = { start: number; end: number; folded: string };

function tokensOf(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{Co}]+/gu)) {
    out.push({ start: m.index, end: m.index + m[0].length, folded: foldText(m[0]) });
  }
  return out;
}

const wordMatches = (token: string, word: string, prefix: boolean) =>
  prefix ? token.startsWith(word) : token === word;

/** Which tokens match, and how many different terms matched. */
function matchTokens(tokens: Token[], terms: HighlightTerm[]): { marked: boolean[]; distinct: number } {
  const marked = new Array<boolean>(tokens.length).fill(false);
  let distinct = 0;
  for (const term of terms) {
    let found = false;
    const n = term.words.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      let ok = true;
      for (let j = 0; j < n && ok; j++)
        ok = wordMatches(tokens[i + j]!.folded, term.words[j]!, term.prefix && j === n - 1);
      if (!ok) continue;
      for (let j = 0; j < n; j++) marked[i + j] = true;
      found = true;
    }
    if (found) distinct++;
  }
  return { marked, distinct };
}

function render(text: string, tokens: Token[], marked: boolean[], from: number, to: number): string {
  let out = "";
  let at = from === 0 ? 0 : tokens[from]!.start;
  const end = to >= tokens.length ? text.length : tokens[to - 1]!.end;
  for (let i = from; i < Math.min(to, tokens.length); i++) {
    const t = tokens[i]!;
    out += escapeHtml(text.slice(at, t.start));
    const word = escapeHtml(text.slice(t.start, t.end));
    out += marked[i] ? `<mark>${word}</mark>` : word;
    at = t.end;
  }
  return out + escapeHtml(text.slice(at, end));
}

/** The whole text with matches marked, or undefined when nothing matches. */
export function highlight(text: string, terms: HighlightTerm[]): string | undefined {
  const tokens = tokensOf(text);
  const { marked, distinct } = matchTokens(tokens, terms);
  return distinct ? render(text, tokens, marked, 0, tokens.length) : undefined;
}

/**
 * A window of about `size` words from whichever text matches the most different terms, centred on its
 * first match, with "…" where it was cut.
 */
export function snippet(texts: string[], terms: HighlightTerm[], size = 16): string | undefined {
  let best: { text: string; tokens: Token[]; marked: boolean[]; distinct: number } | undefined;
  for (const text of texts) {
    if (!text) continue;
    const tokens = tokensOf(text);
    const { marked, distinct } = matchTokens(tokens, terms);
    if (distinct > (best?.distinct ?? 0)) best = { text, tokens, marked, distinct };
  }
  if (!best) return undefined;
  const first = best.marked.indexOf(true);
  const from = Math.max(0, Math.min(first - Math.floor(size / 3), best.tokens.length - size));
  const to = Math.min(best.tokens.length, from + size);
  const body = render(best.text, best.tokens, best.marked, from, to).trim();
  return `${from > 0 ? "…" : ""}${body}${to < best.tokens.length ? "…" : ""}`;
}
