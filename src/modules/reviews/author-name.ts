/**
 * The name a review shows for its author: the display name they chose, else their first name and the
 * initial of their last (`Isla C.`), else `A customer`. Never the full name: a review is public, and a full
 * name beside a purchase of a rare bottle says more than a customer meant to publish.
 */
export function publicAuthorName(author: { name: string | null; displayName: string | null }): string {
  const chosen = author.displayName?.trim();
  if (chosen) return chosen;
  const words = (author.name ?? "").trim().split(/\s+/).filter(Boolean);
  const initial = (word: string) => `${(Array.from(word)[0] ?? "").toLocaleUpperCase()}.`;
  const first = words[0];
  if (!first) return "A customer";
  // A single name is all of the name, so it shows as an initial too.
  return words.length === 1 ? initial(first) : `${first} ${initial(words.at(-1)!)}`;
}
