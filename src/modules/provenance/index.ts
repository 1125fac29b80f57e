import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./provenance.handlers.ts";
import * as routes from "./provenance.routes.ts";

export const provenanceRouter = createRouter()
  .openapi(routes.getBottleProvenance, handlers.getBottleProvenance)
  .openapi(routes.listCheckpoints, handlers.listCheckpoints)
  .openapi(routes.getCheckpoint, handlers.getCheckpoint)
  .openapi(routes.createCheckpoint, handlers.createCheckpoint)
  .openapi(routes.getProvenanceKeys, handlers.getProvenanceKeys);
