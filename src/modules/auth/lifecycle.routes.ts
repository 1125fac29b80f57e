import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { RATE_LIMITED_RESPONSE } from "../../http/api-rate-limit.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { TokensSchema } from "./auth.schemas.ts";
import {
  ChangeEmailInputSchema,
  ChangePasswordInputSchema,
  EmailChangePendingSchema,
  EmailVerifiedSchema,
  PasswordResetAcceptedSchema,
  PasswordResetRequestSchema,
  ResetPasswordInputSchema,
  VerificationSentSchema,
  VerifyEmailInputSchema,
} from "./lifecycle.schemas.ts";

/**
 * The account's lifecycle: verifying the address, resetting and changing the password, changing the
 * e-mail, signing out everywhere. Links in the mails open the shop's front end (PUBLIC_BASE_URL), which
 * posts their token here.
 */
const tags = ["Auth"];
const signedIn = [requireRole()];

const describe = <S extends 400 | 401 | 403 | 409>(status: S, description: string) =>
  ({ [status]: { ...problemResponses(status)[status], description } }) as Record<
    S,
    ReturnType<typeof problemResponses<S>>[S]
  >;
const throttled = (description: string) => ({ 429: { ...RATE_LIMITED_RESPONSE, description } });

export const verifyEmail = createRoute({
  method: "post",
  path: "/auth/verify-email",
  operationId: "verifyEmail",
  tags,
  summary: "Verify an e-mail address with the token of an e-mailed link",
  description:
    "The token of a verification link (sent at registration and by `POST /auth/verify-email/resend`) verifies the account's address; the token of a change-of-address link makes the new address the account's, verified. Each token works once, until it expires (EMAIL_VERIFICATION_TTL, a day by default), and only the newest link of its kind works.",
  ...access("public"),
  request: jsonBody(VerifyEmailInputSchema),
  responses: {
    200: jsonContent(EmailVerifiedSchema, "Verified."),
    ...problemResponses(...BODY_ERRORS, 409),
    ...describe(
      400,
      "The token is unknown, expired, used, replaced by a newer link (`invalid-email-token`), or the body is not JSON.",
    ),
    ...throttled("Too many uses of e-mailed links from this client; wait `Retry-After` seconds."),
  },
});

export const resendVerification = createRoute({
  method: "post",
  path: "/auth/verify-email/resend",
  operationId: "resendEmailVerification",
  tags,
  summary: "Send a new verification link to the caller's address",
  description: "Earlier links stop working. 3 at once, then one every 20 minutes, per account.",
  ...access("owner"),
  middleware: signedIn,
  responses: {
    202: jsonContent(VerificationSentSchema, "A new link is on its way."),
    ...problemResponses(401, 404),
    ...describe(409, "The address is already verified."),
    ...throttled("Too many verification mails for this account; wait `Retry-After` seconds."),
  },
});

export const requestPasswordReset = createRoute({
  method: "post",
  path: "/auth/password-reset",
  operationId: "requestPasswordReset",
  tags,
  summary: "E-mail a link to choose a new password",
  description:
    "Always answers 202 with the same body, whether or not the address has an account: the address gets a link (PASSWORD_RESET_TTL, an hour by default, single use), or word that no account has it. 3 requests per address (registered or not) at once then one every 20 minutes, and 10 per client, before 429.",
  ...access("public"),
  request: jsonBody(PasswordResetRequestSchema),
  responses: {
    202: jsonContent(PasswordResetAcceptedSchema, "Accepted; the same answer for every address."),
    ...problemResponses(...BODY_ERRORS),
    ...throttled("Too many reset requests for this address or from this client; wait `Retry-After` seconds."),
  },
});

export const resetPassword = createRoute({
  method: "post",
  path: "/auth/password-reset/confirm",
  operationId: "resetPassword",
  tags,
  summary: "Choose a new password with the token of a reset link",
  description:
    "Single use. Signs the account out everywhere: every refresh token is revoked and every access token issued before stops working. The address counts as verified. Sign in afterwards with `POST /auth/login`.",
  ...access("public"),
  request: jsonBody(ResetPasswordInputSchema),
  responses: {
    204: { description: "The password is changed; every session has ended." },
    ...problemResponses(413, 415, 422),
    ...describe(
      400,
      "The token is unknown, expired, used or replaced by a newer link (`invalid-email-token`), or the body is not JSON.",
    ),
    ...describe(403, "The account is disabled."),
    ...throttled("Too many uses of e-mailed links from this client; wait `Retry-After` seconds."),
  },
});

export const changePassword = createRoute({
  method: "post",
  path: "/auth/password",
  operationId: "changePassword",
  tags,
  summary: "Change the caller's password",
  description:
    "Needs the current password. Every session of the account ends, this one too, and the answer is a new session (fresh tokens), so the caller stays signed in and nobody else does. 5 wrong passwords per account, then one every 3 minutes, before 429.",
  ...access("owner"),
  middleware: signedIn,
  request: jsonBody(ChangePasswordInputSchema),
  responses: {
    200: jsonContent(TokensSchema, "Changed; the caller's new session."),
    ...problemResponses(401, 404, ...BODY_ERRORS),
    ...describe(403, "The current password is wrong (`wrong-password`)."),
    ...throttled("Too many wrong passwords for this account; wait `Retry-After` seconds."),
  },
});

export const changeEmail = createRoute({
  method: "post",
  path: "/auth/email",
  operationId: "changeEmail",
  tags,
  summary: "Move the caller's account to another e-mail address",
  description:
    "Needs the password. The new address gets a link (`POST /auth/verify-email` with its token) and the current one a notice; the account keeps its e-mail until the link is opened. The answer is the same when another account has the new address (its owner is told instead). 5 requests per account at once, then one every 12 minutes.",
  ...access("owner"),
  middleware: signedIn,
  request: jsonBody(ChangeEmailInputSchema),
  responses: {
    202: jsonContent(EmailChangePendingSchema, "Pending until the new address is confirmed."),
    ...problemResponses(401, 404, ...BODY_ERRORS),
    ...describe(403, "The password is wrong (`wrong-password`)."),
    ...throttled("Too many changes or wrong passwords for this account; wait `Retry-After` seconds."),
  },
});

export const signOutEverywhere = createRoute({
  method: "post",
  path: "/auth/logout-all",
  operationId: "logoutEverywhere",
  tags,
  summary: "Sign the caller out everywhere",
  description:
    "Revokes every refresh token of the account, and every access token issued before stops working (each carries its account's token generation, which this moves on; another server sees it within 5 seconds). An OpenID Connect provider's tokens are the provider's to end.",
  ...access("owner"),
  middleware: signedIn,
  responses: {
    204: { description: "Every session has ended, this one too." },
    ...problemResponses(...AUTH_ERRORS),
  },
});

export type VerifyEmailRoute = typeof verifyEmail;
export type ResendVerificationRoute = typeof resendVerification;
export type RequestPasswordResetRoute = typeof requestPasswordReset;
export type ResetPasswordRoute = typeof resetPassword;
export type ChangePasswordRoute = typeof changePassword;
export type ChangeEmailRoute = typeof changeEmail;
export type SignOutEverywhereRoute = typeof signOutEverywhere;
