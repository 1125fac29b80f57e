import { z } from "@hono/zod-openapi";
import { must, strictFields } from "../../http/schema-messages.ts";
import { EmailSchema, PasswordSchema } from "../accounts/index.ts";

const emailToken = z
  .string(must("the token from the e-mailed link"))
  .min(1, "must not be empty")
  .max(200, "is not a token from one of our links")
  .openapi({
    description: "The `token` of the e-mailed link's query string.",
    example: "et_Qm9yZWFsaXMgdGhlIGtpbmcgb2YgdGhlIG5vcnRoIHdpbmQ",
  });

/** A password given only to prove it is the owner: checked against the stored hash, not today's length rules. */
const currentPassword = z
  .string(must("the account's password"))
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .openapi({ example: "correct horse battery staple" });

export const VerifyEmailInputSchema = z
  .strictObject({ token: emailToken }, strictFields("an object with token"))
  .openapi("VerifyEmailRequest");

export const EmailVerifiedSchema = z
  .object({
    email: z.string().openapi({ example: "ada@example.com" }),
    emailVerified: z.literal(true),
  })
  .openapi("EmailVerified", {
    description:
      "The address the link was sent to is verified and is the account's e-mail (for a change, now).",
  });

export const VerificationSentSchema = z
  .object({
    status: z.literal("sent"),
    email: z.string().openapi({ example: "ada@example.com" }),
    expiresAt: z
      .string()
      .openapi({ description: "When the new link stops working.", example: "2026-06-02T12:00:00.000Z" }),
  })
  .openapi("VerificationSent", { description: "A new link is on its way; earlier links no longer work." });

export const PasswordResetRequestSchema = z
  .strictObject({ email: EmailSchema }, strictFields("an object with email"))
  .openapi("PasswordResetRequest", { example: { email: "ada@example.com" } });

export const RESET_ACCEPTED = {
  status: "accepted",
  message: "If this e-mail has an account, a link to choose a new password is on its way.",
} as const;

export const PasswordResetAcceptedSchema = z
  .object({ status: z.literal("accepted"), message: z.string() })
  .openapi("PasswordResetAccepted", {
    description:
      "The same answer whether or not the address has an account, so nobody can probe addresses; the address hears by e-mail either way.",
    example: RESET_ACCEPTED,
  });

export const ResetPasswordInputSchema = z
  .strictObject(
    { token: emailToken, password: PasswordSchema },
    strictFields("an object with token and password"),
  )
  .openapi("PasswordReset", {
    example: {
      token: "et_Qm9yZWFsaXMgdGhlIGtpbmcgb2YgdGhlIG5vcnRoIHdpbmQ",
      password: "a brand new passphrase",
    },
  });

export type ResetPasswordInput = z.output<typeof ResetPasswordInputSchema>;

export const ChangePasswordInputSchema = z
  .strictObject(
    { currentPassword, newPassword: PasswordSchema },
    strictFields("an object with currentPassword and newPassword"),
  )
  .openapi("PasswordChange", {
    example: { currentPassword: "correct horse battery staple", newPassword: "a brand new passphrase" },
  });

export type ChangePasswordInput = z.output<typeof ChangePasswordInputSchema>;

export const ChangeEmailInputSchema = z
  .strictObject(
    { password: currentPassword, newEmail: EmailSchema },
    strictFields("an object with password and newEmail"),
  )
  .openapi("EmailChange", {
    example: { password: "correct horse battery staple", newEmail: "ada@new.example" },
  });

export type ChangeEmailInput = z.output<typeof ChangeEmailInputSchema>;

export const EMAIL_CHANGE_PENDING_MESSAGE =
  "If the new address can be used, a link to confirm it is on its way; the account keeps its e-mail until it is opened.";

export const EmailChangePendingSchema = z
  .object({
    status: z.literal("pending"),
    email: z
      .string()
      .openapi({ description: "The new address, as it will be stored.", example: "ada@new.example" }),
    message: z.string(),
  })
  .openapi("EmailChangePending", {
    description:
      "The same answer whether or not another account has the new address (its owner is told by e-mail instead of getting a link).",
    example: { status: "pending", email: "ada@new.example", message: EMAIL_CHANGE_PENDING_MESSAGE },
  });
