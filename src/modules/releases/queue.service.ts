/**
 * The waiting room's operations bound to one context, for handlers and the runtimes' periodic job. Each
 * lives in the file of its concern: queue-places.ts (joining, leaving, the owner's place, staff lists and
 * voids), queue-advance.ts (the opening shuffle, admissions, expiry, the close), queue-admissions.ts (the
 * check on orders), queue-order.ts (the shuffle), queue-tokens.ts (admission tokens).
 */
import type { Deps } from "../../deps.ts";
import { type QueuePorts, queueContext } from "./queue.context.ts";
import type { QueueJoin, StaffQueueQuery } from "./queue.schemas.ts";
import { advanceDueQueues, advanceQueue, nextQueueDeadline } from "./queue-advance.ts";
import { joinQueue, leaveQueue, listPlaces, myPlace, voidPlace } from "./queue-places.ts";

export function createQueuesService(deps: Deps, ports: QueuePorts) {
  const ctx = queueContext(deps, ports);
  return {
    join: (
      releaseId: string,
      customerId: string,
      input: QueueJoin,
      client: { address: string | undefined },
    ) => joinQueue(ctx, releaseId, customerId, input, client),
    mine: (releaseId: string, customerId: string) => myPlace(ctx, releaseId, customerId),
    leave: (releaseId: string, customerId: string) => leaveQueue(ctx, releaseId, customerId),
    list: (releaseId: string, q: StaffQueueQuery) => listPlaces(ctx, releaseId, q),
    voidPlace: (releaseId: string, placeId: string, reason: string, actorId: string) =>
      voidPlace(ctx, releaseId, placeId, reason, actorId),
    advance: (releaseId: string) => advanceQueue(ctx, releaseId),
    advanceDue: () => advanceDueQueues(ctx),
    /** When the queue next needs advancing by the clock (null once closed): what a timer waits for. */
    nextDeadline: (releaseId: string) => nextQueueDeadline(ctx, releaseId),
  };
}

export type QueuesService = ReturnType<typeof createQueuesService>;
