import { createRouter } from "../../http/openapi.ts";
import * as ballot from "./ballot.handlers.ts";
import * as ballotRoutes from "./ballot.routes.ts";
import * as queue from "./queue.handlers.ts";
import * as queueRoutes from "./queue.routes.ts";
import { QueueMessageSchema } from "./queue.schemas.ts";
import * as handlers from "./releases.handlers.ts";
import * as routes from "./releases.routes.ts";

export const releasesRouter = createRouter()
  .openapi(routes.listReleases, handlers.listReleases)
  .openapi(routes.createRelease, handlers.createRelease)
  .openapi(routes.getRelease, handlers.getRelease)
  .openapi(routes.patchRelease, handlers.patchRelease)
  .openapi(routes.checkReleaseEligibility, handlers.checkReleaseEligibility)
  .openapi(ballotRoutes.enterBallot, ballot.enterBallot)
  .openapi(ballotRoutes.withdrawBallotEntry, ballot.withdrawBallotEntry)
  .openapi(ballotRoutes.listBallotEntries, ballot.listBallotEntries)
  .openapi(ballotRoutes.voidBallotEntry, ballot.voidBallotEntry)
  .openapi(ballotRoutes.drawBallot, ballot.drawBallot)
  .openapi(ballotRoutes.getBallotDraw, ballot.getBallotDraw)
  .openapi(ballotRoutes.listMyBallotEntries, ballot.listMyBallotEntries)
  .openapi(queueRoutes.joinQueue, queue.joinQueue)
  .openapi(queueRoutes.getMyQueuePlace, queue.getMyQueuePlace)
  .openapi(queueRoutes.leaveQueue, queue.leaveQueue)
  .openapi(queueRoutes.listQueuePlaces, queue.listQueuePlaces)
  .openapi(queueRoutes.voidQueuePlace, queue.voidQueuePlace);

// Pushed over the notifications socket: a component, so generated clients get its type.
releasesRouter.openAPIRegistry.register("QueueMessage", QueueMessageSchema);
