import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./auth.handlers.ts";
import * as routes from "./auth.routes.ts";
import * as lifecycleHandlers from "./lifecycle.handlers.ts";
import * as lifecycle from "./lifecycle.routes.ts";

/**
 * Registration, sign-in, token refresh and sign-out (public: the credentials are in the bodies), and the
 * account's lifecycle: e-mail verification, password reset and change, change of e-mail, sign-out everywhere.
 */
export const authRouter = createRouter()
  .openapi(routes.register, handlers.register)
  .openapi(routes.login, handlers.login)
  .openapi(routes.refresh, handlers.refresh)
  .openapi(routes.logout, handlers.logout)
  .openapi(lifecycle.verifyEmail, lifecycleHandlers.verifyEmail)
  .openapi(lifecycle.resendVerification, lifecycleHandlers.resendVerification)
  .openapi(lifecycle.requestPasswordReset, lifecycleHandlers.requestPasswordReset)
  .openapi(lifecycle.resetPassword, lifecycleHandlers.resetPassword)
  .openapi(lifecycle.changePassword, lifecycleHandlers.changePassword)
  .openapi(lifecycle.changeEmail, lifecycleHandlers.changeEmail)
  .openapi(lifecycle.signOutEverywhere, lifecycleHandlers.signOutEverywhere);
