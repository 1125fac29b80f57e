/** The waiting rooms' timer on Workers (deps.queueAlarms): the release's ReleaseQueueObject, by name. */
import type { QueueAlarms } from "../deps.ts";
import type { ReleaseQueueObject } from "./worker-release-queue-object.ts";

export function durableQueueAlarms(namespace: DurableObjectNamespace<ReleaseQueueObject>): QueueAlarms {
  return {
    async wake(releaseId, at) {
      await namespace.get(namespace.idFromName(releaseId)).wake(releaseId, at);
    },
  };
}
