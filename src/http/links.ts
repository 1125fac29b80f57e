/**
 * A link or an e-mail address in free text (`https://`, `www.`, a bare `name.com`, `a@b.c`): what a public
 * text must not carry, because it publishes contact details or advertises. Reviews hold such text for staff;
 * a display name refuses it.
 */
export const LINK_OR_EMAIL =
  /(https?:\/\/|www\.|\b[a-z0-9-]+\.(com|net|org|io|co|uk|shop|biz|info|ru|xyz|top|online)\b|\S+@\S+\.\S+)/i;
