/**
 * Timers a test runs by hand (deps.timers, the reaper's `timers`): nothing fires until the test moves time
 * with `advance`, which also moves the TestClock it was given, so the code's clock and its timers agree.
 */
import type { Timers } from "../../src/deps.ts";
import { TestClock } from "./test-app.ts";

type Pending = { at: number; seq: number; run: () => void };

export class ManualTimers implements Timers {
  private readonly pending = new Set<Pending>();
  private seq = 0;

  constructor(readonly clock = new TestClock()) {}

  setTimeout(run: () => void, ms: number): unknown {
    const timer = { at: this.clock.now().getTime() + Math.max(0, ms), seq: ++this.seq, run };
    this.pending.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as Pending);
  }

  /** How many timers are waiting. */
  get size() {
    return this.pending.size;
  }

  /** When the next timer is due (ms since the epoch), or null. */
  get nextAt(): number | null {
    return this.next()?.at ?? null;
  }

  /**
   * Moves time on by `ms`, running every timer that comes due on the way, in order of their due time (and
   * those they set meanwhile, if due within the span). Ends with the clock at the end of the span.
   */
  advance(ms: number) {
    const end = this.clock.now().getTime() + ms;
    for (let due = this.next(); due && due.at <= end; due = this.next()) {
      this.pending.delete(due);
      if (due.at > this.clock.now().getTime()) this.clock.set(new Date(due.at));
      due.run();
    }
    this.clock.set(new Date(end));
  }

  private next(): Pending | undefined {
    let first: Pending | undefined;
    for (const p of this.pending)
      if (!first || p.at < first.at || (p.at === first.at && p.seq < first.seq)) first = p;
    return first;
  }
}
