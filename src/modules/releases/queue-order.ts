/**
 * The order of a queue's early arrivals: fair among everyone who joined before `opensAt`, so arriving first
 * among them (a bot's fast trigger) wins nothing. The places are listed in id order and shuffled with the
 * ballot's documented Fisher-Yates (ballot-draw.ts, `sha256-fisher-yates-v1`) under the queue's seed:
 * 32 bytes from crypto.getRandomValues, drawn when the release is created and stored with the queue, so
 * the order is unpredictable beforehand, fixed once made, and can be recomputed from the database.
 * Later arrivals are not shuffled: they go to the back in arrival order.
 */
import { drawOrder } from "./ballot-draw.ts";

export const earlyArrivalOrder = (seed: string, placeIds: readonly string[]) => drawOrder(seed, placeIds);
