import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./locations.handlers.ts";
import * as routes from "./locations.routes.ts";

export const locationsRouter = createRouter()
  .openapi(routes.listLocations, handlers.listLocations)
  .openapi(routes.createLocation, handlers.createLocation)
  .openapi(routes.getLocation, handlers.getLocation)
  .openapi(routes.replaceLocation, handlers.replaceLocation);

export type { Location, LocationInput } from "./locations.schemas.ts";
export { createLocationsService, type LocationsService, servesDestination } from "./locations.service.ts";
