import { LINK_OR_EMAIL } from "../../http/links.ts";

/**
 * The automatic first pass over a new or edited review. It approves what is plainly fine and holds the
 * rest for staff (it never rejects on its own: a person decides that). The rules are deliberately simple
 * and explainable, so a customer can be told why their review waits.
 */
export const MIN_AUTO_APPROVE_LENGTH = 20;
export const MAX_AUTO_APPROVE_LENGTH = 2000;

/** Words that hold a review for a person to read; extended by REVIEW_BANNED_WORDS. */
export const DEFAULT_BANNED_WORDS = [
  "fuck",
  "fucking",
  "shit",
  "cunt",
  "bitch",
  "bastard",
  "asshole",
  "wanker",
  "nigger",
  "faggot",
  "retard",
  "viagra",
  "cialis",
  "casino",
  "escort",
  "porn",
];

export type ModerationVerdict = { status: "approved" | "pending"; reasons: string[] };

export function createModerationRules(extraBannedWords: string[] = []) {
  const banned = new Set([...DEFAULT_BANNED_WORDS, ...extraBannedWords].map((w) => w.toLowerCase()));

  return function moderate(review: { title?: string | null; body: string }): ModerationVerdict {
    const text = `${review.title ?? ""}\n${review.body}`;
    const reasons: string[] = [];
    const length = review.body.trim().length;
    if (length < MIN_AUTO_APPROVE_LENGTH) {
      reasons.push(`shorter than ${MIN_AUTO_APPROVE_LENGTH} characters`);
    }
    if (length > MAX_AUTO_APPROVE_LENGTH) {
      reasons.push(`longer than ${MAX_AUTO_APPROVE_LENGTH} characters`);
    }
    if (LINK_OR_EMAIL.test(text)) reasons.push("contains a link or an e-mail address");
    // Letters only, so "sh!t"-style spacing tricks aside, a banned word inside a longer word ("Scunthorpe") is fine.
    const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
    if (words.some((w) => banned.has(w))) reasons.push("contains a word on the banned list");
    return reasons.length ? { status: "pending", reasons } : { status: "approved", reasons };
  };
}

export type ModerationRules = ReturnType<typeof createModerationRules>;
