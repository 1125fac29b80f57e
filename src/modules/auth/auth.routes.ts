import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { RATE_LIMITED_RESPONSE } from "../../http/api-rate-limit.ts";
import { BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  LoginInputSchema,
  LogoutInputSchema,
  RefreshInputSchema,
  RegisterAcceptedSchema,
  RegisterInputSchema,
  TokensSchema,
} from "./auth.schemas.ts";

const tags = ["Auth"];

/** A problem response with words that fit this route better than the shared ones. */
const problem = <S extends 401 | 403>(status: S, description: string) =>
  ({ [status]: { ...problemResponses(status)[status], description } }) as Record<
    S,
    ReturnType<typeof problemResponses<S>>[S]
  >;

/** The 429 of the guessing limits, with the same headers as the general rate limit's. */
const throttled = (description: string) => ({ 429: { ...RATE_LIMITED_RESPONSE, description } });

export const register = createRoute({
  method: "post",
  path: "/auth/register",
  operationId: "register",
  tags,
  summary: "Register a customer account",
  ...access("public"),
  description:
    "Always answers 202 with the same body, whether or not the e-mail already has an account (then nothing changes and the address's owner is told by e-mail). Sign in afterwards with `POST /auth/login`.",
  request: jsonBody(RegisterInputSchema),
  responses: {
    202: jsonContent(RegisterAcceptedSchema, "Accepted; the same answer for new and registered e-mails."),
    ...problemResponses(...BODY_ERRORS),
    ...throttled("Too many registrations from this client; wait `Retry-After` seconds."),
  },
});

export const login = createRoute({
  method: "post",
  path: "/auth/login",
  operationId: "login",
  tags,
  summary: "Sign in with e-mail and password",
  ...access("public"),
  description:
    "Answers an access token (a JWT, short-lived) and a refresh token (one use, rotated by `POST /auth/refresh`). " +
    "A wrong e-mail and a wrong password get the same 401. After 5 failures for one e-mail, or 20 from one client, within 15 minutes, the answer is 429 until `Retry-After`.",
  request: jsonBody(LoginInputSchema),
  responses: {
    200: jsonContent(TokensSchema, "Signed in."),
    ...problemResponses(...BODY_ERRORS),
    ...problem(401, "The e-mail or the password is wrong (the same answer for both)."),
    ...problem(403, "The password is right, but the account is disabled."),
    ...throttled("Too many failed sign-ins for this e-mail or from this client; wait `Retry-After` seconds."),
  },
});

export const refresh = createRoute({
  method: "post",
  path: "/auth/refresh",
  operationId: "refreshTokens",
  tags,
  summary: "Trade a refresh token for new tokens",
  ...access("public"),
  description:
    "Each refresh token works once and is replaced by the one in the answer. Sending one that was already used ends the whole session (every token of that sign-in): 401, sign in again.",
  request: jsonBody(RefreshInputSchema),
  responses: {
    200: jsonContent(TokensSchema, "New tokens; the refresh token sent is now used up."),
    ...problemResponses(...BODY_ERRORS),
    ...problem(
      401,
      "The refresh token is unknown, expired, already used (its session is now ended) or revoked.",
    ),
  },
});

export const logout = createRoute({
  method: "post",
  path: "/auth/logout",
  operationId: "logout",
  tags,
  summary: "End a session",
  ...access("public"),
  description:
    "Revokes the refresh token's session (every token of that sign-in). Idempotent: an unknown or ended token also answers 204. Access tokens already given out stay valid until they expire (15 minutes by default).",
  request: jsonBody(LogoutInputSchema),
  responses: {
    204: { description: "The session is ended." },
    ...problemResponses(...BODY_ERRORS),
  },
});

export type RegisterRoute = typeof register;
export type LoginRoute = typeof login;
export type RefreshRoute = typeof refresh;
export type LogoutRoute = typeof logout;
