import { describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import fc from "fast-check";
import { allowedEdits, buildMatchExpression } from "../../src/modules/search/fts-query.ts";
import { parseQuery, toMinorUnits } from "../../src/modules/search/query-text.ts";
import { editDistance, Vocabulary } from "../../src/modules/search/vocabulary.ts";
import { silentLogger } from "../support/test-app.ts";

/** An empty vocabulary: no word is known, so nothing gets corrected. */
const emptyVocabulary = new Vocabulary(createClient({ url: ":memory:" }), silentLogger);

describe("reading what was typed", () => {
  test("words, phrases, the word being typed, common words", () => {
    expect(parseQuery("Peated ISLAY glen")).toEqual({
      groups: [
        { kind: "word", word: "peated", prefix: false },
        { kind: "word", word: "islay", prefix: false },
        { kind: "word", word: "glen", prefix: true },
      ],
      price: undefined,
      ignored: [],
    });
    expect(parseQuery('"sea spray" and smoke ').groups).toEqual([
      { kind: "phrase", words: ["sea", "spray"], prefix: false },
      { kind: "word", word: "smoke", prefix: false },
    ]);
    expect(parseQuery("the and").groups.map((g) => g.kind === "word" && g.word)).toEqual(["the", "and"]);
    expect(parseQuery("“glen far").groups).toEqual([
      { kind: "phrase", words: ["glen", "far"], prefix: true },
    ]);
    expect(parseQuery("Añejo Château").groups.map((g) => g.kind === "word" && g.word)).toEqual([
      "anejo",
      "chateau",
    ]);
    expect(parseQuery("lagavullan 16yo ").groups.map((g) => g.kind === "word" && g.word)).toEqual([
      "lagavullan",
      "16",
    ]);
  });

  test("price words, in major units, with the currency when written", () => {
    expect(parseQuery("sherry cask under 300").price).toEqual({ max: 300 });
    expect(parseQuery("islay £50-100").price).toEqual({ currency: "GBP", min: 50, max: 100 });
    expect(parseQuery("cognac over €1k").price).toEqual({ currency: "EUR", min: 1000 });
    expect(parseQuery("rye <= $45.50").price).toEqual({ currency: "USD", max: 45.5 });
    expect(parseQuery("islay £100").price).toEqual({ currency: "GBP", max: 100 });
    expect(parseQuery("glen 1998").price).toBeUndefined();
    expect(toMinorUnits(45.5, "USD")).toBe(4550);
    expect(toMinorUnits(3000, "JPY")).toBe(3000);
    expect(toMinorUnits(12.345, "KWD")).toBe(12345);
  });

  test("typo allowance and edit distance (a swap of neighbours is one edit)", () => {
    expect([
      allowedEdits("rye"),
      allowedEdits("islay"),
      allowedEdits("glenfarach"),
      allowedEdits("1998"),
    ]).toEqual([0, 1, 2, 0]);
    expect(editDistance("laphroig", "laphrohaig", 2)).toBe(2);
    expect(editDistance("jurahc", "jurach", 2)).toBe(1);
    expect(editDistance("islay", "speyside", 2)).toBe(3);
  });
});

describe("the FTS5 expression", () => {
  test("every word is a quoted run of letters and digits: nothing typed is syntax", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (q) => {
        const parsed = parseQuery(q);
        const { expression, rankExpression } = buildMatchExpression(parsed.groups, emptyVocabulary, "all");
        for (const e of [expression, rankExpression]) {
          // Strip the quoted strings: what is left may only be our own AND, OR, brackets, * and spaces.
          const outside = e.replace(/"[\p{L}\p{N}\p{Co} ]+"/gu, "");
          expect(outside).toMatch(/^(?:[ ()*]|AND|OR)*$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("alternatives for corrections, a star for the word being typed", () => {
    const { expression } = buildMatchExpression(parseQuery("sea spr").groups, emptyVocabulary, "all");
    expect(expression).toBe('"sea" AND "spr"*');
    expect(
      buildMatchExpression(parseQuery('"sea spray" peat').groups, emptyVocabulary, "any").expression,
    ).toBe('"sea spray" OR "peat"*');
  });
});
