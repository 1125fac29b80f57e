import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env.ts";
import { principalOf } from "../../http/auth.ts";
import { clientOf } from "./auth.handlers.ts";
import type {
  ChangeEmailRoute,
  ChangePasswordRoute,
  RequestPasswordResetRoute,
  ResendVerificationRoute,
  ResetPasswordRoute,
  SignOutEverywhereRoute,
  VerifyEmailRoute,
} from "./lifecycle.routes.ts";

const noStore = { "Cache-Control": "no-store" };

export const verifyEmail: RouteHandler<VerifyEmailRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.verifyEmail(c.req.valid("json").token, clientOf(c)), 200);

export const resendVerification: RouteHandler<ResendVerificationRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.resendVerification(principalOf(c)), 202);

export const requestPasswordReset: RouteHandler<RequestPasswordResetRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.requestPasswordReset(c.req.valid("json").email, clientOf(c)), 202);

export const resetPassword: RouteHandler<ResetPasswordRoute, AppEnv> = async (c) => {
  await c.get("services").auth.resetPassword(c.req.valid("json"), clientOf(c));
  return c.body(null, 204);
};

export const changePassword: RouteHandler<ChangePasswordRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.changePassword(principalOf(c), c.req.valid("json")), 200, noStore);

export const changeEmail: RouteHandler<ChangeEmailRoute, AppEnv> = async (c) =>
  c.json(await c.get("services").auth.requestEmailChange(principalOf(c), c.req.valid("json")), 202);

export const signOutEverywhere: RouteHandler<SignOutEverywhereRoute, AppEnv> = async (c) => {
  await c.get("services").auth.signOutEverywhere(principalOf(c));
  return c.body(null, 204);
};
