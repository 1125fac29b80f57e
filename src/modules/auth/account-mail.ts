import type { Config } from "../../config.ts";
import type { Deps, MailMessage } from "../../deps.ts";

/**
 * The account e-mails, in one place. Links open the shop's front end (PUBLIC_BASE_URL), whose pages post
 * the token to the API (`POST /auth/verify-email`, `POST /auth/password-reset/confirm`).
 */

/** Mail never decides an answer: a failure is logged and the caller hears the same as ever. */
export async function sendMail(deps: Deps, message: MailMessage): Promise<void> {
  try {
    await deps.mailer?.send(message);
  } catch (err) {
    deps.logger.log("error", { msg: "mail failed", subject: message.subject, err: String(err) });
  }
}

const link = (config: Config, page: "verify-email" | "reset-password", token: string) =>
  `${config.PUBLIC_BASE_URL}/${page}?token=${encodeURIComponent(token)}`;

const hours = (seconds: number) =>
  seconds % 3600 === 0 && seconds >= 3600
    ? `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`
    : `${Math.max(1, Math.round(seconds / 60))} minutes`;

const SIGNATURE = "\n\nAngel's Share";

export const welcomeMail = (config: Config, to: string, token: string): MailMessage => ({
  to,
  subject: "Welcome to Angel's Share",
  text:
    "Your Angel's Share account is ready: sign in with this e-mail address and the password you chose.\n\n" +
    `Please confirm that this address is yours (the link works for ${hours(config.EMAIL_VERIFICATION_TTL)}, once):\n` +
    `${link(config, "verify-email", token)}${SIGNATURE}`,
});

export const existingAccountMail = (to: string): MailMessage => ({
  to,
  subject: "Someone tried to register with your e-mail address",
  text:
    "Someone (perhaps you) asked to register a new Angel's Share account with this e-mail address, " +
    "which already has an account, so nothing was changed. If it was you, sign in with your password. " +
    "If it was not, you can ignore this message.",
});

export const verifyAddressMail = (config: Config, to: string, token: string): MailMessage => ({
  to,
  subject: "Confirm your e-mail address",
  text:
    `Confirm that this address is yours (the link works for ${hours(config.EMAIL_VERIFICATION_TTL)}, once; ` +
    `any earlier link no longer does):\n${link(config, "verify-email", token)}${SIGNATURE}`,
});

export const confirmNewAddressMail = (config: Config, to: string, token: string): MailMessage => ({
  to,
  subject: "Confirm your new e-mail address",
  text:
    "Someone (we hope you) asked to move an Angel's Share account to this e-mail address. It moves only " +
    `when you open this link (it works for ${hours(config.EMAIL_VERIFICATION_TTL)}, once):\n` +
    `${link(config, "verify-email", token)}\n\nIf it was not you, ignore this message: nothing changes.${SIGNATURE}`,
});

export const emailChangeRequestedMail = (to: string, newEmail: string): MailMessage => ({
  to,
  subject: "Your e-mail address is being changed",
  text:
    `Someone signed in to your Angel's Share account asked to change its e-mail address to ${newEmail}. ` +
    "It changes only once the new address is confirmed. If it was not you, reset your password now: " +
    `that ends every session and stops the change.${SIGNATURE}`,
});

export const addressTakenMail = (to: string): MailMessage => ({
  to,
  subject: "Someone tried to use your e-mail address",
  text:
    "Someone asked to move another Angel's Share account to this e-mail address, which already has an " +
    `account of its own, so nothing was changed. If it was not you, you can ignore this message.${SIGNATURE}`,
});

export const passwordResetMail = (config: Config, to: string, token: string): MailMessage => ({
  to,
  subject: "Reset your Angel's Share password",
  text:
    `Someone (we hope you) asked to reset the password of your Angel's Share account. Choose a new one here ` +
    `(the link works for ${hours(config.PASSWORD_RESET_TTL)}, once; it signs you out everywhere):\n` +
    `${link(config, "reset-password", token)}\n\nIf it was not you, ignore this message: your password stays.${SIGNATURE}`,
});

export const resetForUnknownMail = (to: string): MailMessage => ({
  to,
  subject: "Reset your Angel's Share password",
  text:
    "Someone asked to reset the password of an Angel's Share account with this e-mail address, but no " +
    `account has it. If it was you, perhaps you registered with another address.${SIGNATURE}`,
});

export const resetForDisabledMail = (to: string): MailMessage => ({
  to,
  subject: "Reset your Angel's Share password",
  text:
    "Someone asked to reset the password of your Angel's Share account, but the account is disabled, so " +
    `nothing was changed. Ask the shop if you need it again.${SIGNATURE}`,
});

export const passwordChangedMail = (to: string): MailMessage => ({
  to,
  subject: "Your Angel's Share password was changed",
  text:
    "The password of your Angel's Share account was just changed, and every other session was signed out. " +
    `If it was not you, reset your password now and tell the shop.${SIGNATURE}`,
});

export const emailChangedMail = (to: string, newEmail: string): MailMessage => ({
  to,
  subject: "Your e-mail address was changed",
  text: `Your Angel's Share account now signs in with ${newEmail}; this address no longer reaches it.${SIGNATURE}`,
});
