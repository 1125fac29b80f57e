/** The Bun server's dispatcher loop: runs on its interval, at once again while there is more, and stops cleanly. */
import { expect, test } from "bun:test";
import { startDispatchLoop } from "../../src/modules/events/dispatch-loop.ts";
import { ManualTimers } from "../support/manual-timers.ts";
import { silentLogger } from "../support/test-app.ts";

test("runs every interval, again at once while a run says more, and keeps going after a failure", async () => {
  const timers = new ManualTimers();
  const answers = [{ more: true }, { more: false }, "fail", { more: false }] as const;
  let runs = 0;
  const loop = startDispatchLoop({
    intervalMs: 500,
    timers,
    logger: silentLogger,
    dispatch: async () => {
      const a = answers[runs++] ?? { more: false };
      if (a === "fail") throw new Error("database away");
      return a;
    },
  });
  const settle = () => new Promise((r) => setTimeout(r, 5));
  timers.advance(0);
  await settle();
  expect(runs).toBe(1);
  timers.advance(0); // "more": no wait
  await settle();
  expect(runs).toBe(2);
  timers.advance(499);
  await settle();
  expect(runs).toBe(2);
  timers.advance(1);
  await settle();
  expect(runs).toBe(3); // the failure is logged, and the loop waits its interval
  timers.advance(500);
  await settle();
  expect(runs).toBe(4);
  await loop.stop();
  timers.advance(10_000);
  await settle();
  expect(runs).toBe(4);
});
