import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./releases.handlers.ts";
import * as routes from "./releases.routes.ts";

export const releasesRouter = createRouter()
  .openapi(routes.listReleases, handlers.listReleases)
  .openapi(routes.createRelease, handlers.createRelease)
  .openapi(routes.getRelease, handlers.getRelease)
  .openapi(routes.patchRelease, handlers.patchRelease)
  .openapi(routes.checkReleaseEligibility, handlers.checkReleaseEligibility);
