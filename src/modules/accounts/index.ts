import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./accounts.handlers.ts";
import * as routes from "./accounts.routes.ts";

/** Staff and admin accounts, managed by admins. */
export const accountsRouter = createRouter()
  .openapi(routes.listAccounts, handlers.listAccounts)
  .openapi(routes.createAccount, handlers.createAccount)
  .openapi(routes.getAccount, handlers.getAccount)
  .openapi(routes.updateAccount, handlers.updateAccount);

/** What other modules (auth) may use: the shapes of credentials and of an account. */
export { normaliseEmail } from "./account-records.ts";
export {
  AccountSchema,
  EmailSchema,
  PasswordSchema,
  RoleSchema,
} from "./accounts.schemas.ts";
export type { AccountsService } from "./accounts.service.ts";
