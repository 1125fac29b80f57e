import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./waitlists.handlers.ts";
import * as routes from "./waitlists.routes.ts";

export const waitlistsRouter = createRouter()
  .openapi(routes.joinWaitlist, handlers.joinWaitlist)
  .openapi(routes.getMyWaitlistEntry, handlers.getMyWaitlistEntry)
  .openapi(routes.withdrawFromWaitlist, handlers.withdrawFromWaitlist)
  .openapi(routes.listWaitlist, handlers.listWaitlist);
