import { createRouter } from "../../http/openapi.ts";
import * as handlers from "./polls.handlers.ts";
import * as routes from "./polls.routes.ts";

export const pollsRouter = createRouter()
  .openapi(routes.listPolls, handlers.listPolls)
  .openapi(routes.createPoll, handlers.createPoll)
  .openapi(routes.getPoll, handlers.getPoll)
  .openapi(routes.patchPoll, handlers.patchPoll)
  .openapi(routes.getPollResults, handlers.getPollResults)
  .openapi(routes.moderatePollAnswer, handlers.moderatePollAnswer)
  .openapi(routes.answerPoll, handlers.answerPoll)
  .openapi(routes.listCustomerPolls, handlers.listCustomerPolls);
