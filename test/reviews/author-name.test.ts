import { describe, expect, test } from "bun:test";
import { publicAuthorName } from "../../src/modules/reviews/author-name.ts";

describe("the author name a review shows", () => {
  test.each([
    [{ name: "Isla Campbell", displayName: "Peat Freak" }, "Peat Freak"],
    [{ name: "Isla Campbell", displayName: null }, "Isla C."],
    [{ name: "  Isla   Mairi  campbell ", displayName: "  " }, "Isla C."],
    [{ name: "Morag", displayName: null }, "M."],
    [{ name: "Åsa Öberg", displayName: null }, "Åsa Ö."],
    [{ name: "", displayName: null }, "A customer"],
    [{ name: null, displayName: null }, "A customer"],
  ])("%o shows as %p", (author, shown) => {
    expect(publicAuthorName(author)).toBe(shown);
  });
});
