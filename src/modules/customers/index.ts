import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./customers.handlers.ts";
import * as routes from "./customers.routes.ts";

/** Customer profiles (with preferences) and wishlists; `me` stands for the caller. */
export const customersRouter = createRouter()
  .openapi(routes.getCustomer, handlers.getCustomer)
  .openapi(routes.replaceCustomer, handlers.replaceCustomer, handlers.profileRules("replace"))
  .openapi(routes.patchCustomer, handlers.patchCustomer, handlers.profileRules("patch"))
  .openapi(routes.listWishlist, handlers.listWishlist)
  .openapi(routes.addToWishlist, handlers.addToWishlist)
  .openapi(routes.removeFromWishlist, handlers.removeFromWishlist);

/** What other modules (privacy) may use: the `{id}` of `/customers/{id}/...` (`me` or an id). */
export { CustomerIdParamsSchema } from "./customers.schemas.ts";
