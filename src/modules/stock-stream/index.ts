import { createRouter } from "../../http/openapi.ts";
import { MESSAGE_SCHEMAS } from "./asyncapi.ts";
import * as handlers from "./stock-stream.handlers.ts";
import * as routes from "./stock-stream.routes.ts";

/** Real-time stock: WebSockets, Server-Sent Events and the AsyncAPI document that describes them. */
export const stockStreamRouter = createRouter()
  .openapi(routes.watchSpiritStock, handlers.watchSpiritStock)
  .openapi(routes.watchStock, handlers.watchStock)
  .openapi(routes.streamSpiritStock, handlers.streamSpiritStock)
  .openapi(routes.getAsyncApi, handlers.getAsyncApi);

// The messages are components of the OpenAPI document too, so generated clients get their types.
for (const [name, schema] of Object.entries(MESSAGE_SCHEMAS))
  stockStreamRouter.openAPIRegistry.register(name, schema);

export { createStockStreamService, type StockStreamService } from "./stock-stream.service.ts";
