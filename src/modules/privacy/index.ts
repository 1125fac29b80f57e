import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./privacy.handlers.ts";
import * as routes from "./privacy.routes.ts";

/** A customer's data as one document (GDPR export) and its erasure; for the customer or an admin. */
export const privacyRouter = createRouter()
  .openapi(routes.exportCustomer, handlers.exportCustomer)
  .openapi(routes.eraseCustomer, handlers.eraseCustomer);
