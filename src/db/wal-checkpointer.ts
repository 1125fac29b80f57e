/**
 * Background WAL checkpoints for embedded libSQL files (Bun only; the Worker build's database is remote).
 *
 * SQLite checkpoints a WAL file inline, in whichever connection commits the write that takes the WAL past
 * `wal_autocheckpoint` pages (1000 by default): in a drop that is the stock executor, and every few dozen
 * holds one commit waits 4–10 ms for the page copies and fsyncs. Here one thread per process (a Bun Worker
 * with its own `libsql` connection to each registered file, src/db/wal-checkpoint-thread.ts) runs
 * passive checkpoints while the hot connections keep committing. A passive checkpoint never waits for a
 * writer, so under sustained writes it cannot always reach the WAL's end and the WAL cannot restart: the hot
 * connections keep an inline checkpoint at WAL_SAFETY_NET_PAGES, which then finds little left to copy and
 * lets the WAL start over. That bound is raised only once the thread has opened the file; a database whose
 * registration fails keeps SQLite's own setting.
 *
 * The thread starts with the first registration, is unref'd (it never keeps a process alive) and stops
 * LINGER_MS after the last registration goes.
 */
import type { Logger } from "../deps.ts";

/** Pages of WAL at which a hot connection still checkpoints inline (about 40 MB at 4 KiB pages). */
export const WAL_SAFETY_NET_PAGES = 10_000;

/**
 * How long a thread with no file left waits for another before it stops. Starting one costs about 13 ms (a
 * JavaScript heap and the native module), which tests that open and close a database each would pay anew.
 */
const LINGER_MS = 1000;

/** How long a registration waits for the thread to start and open the file before giving up. */
const OPEN_TIMEOUT_MS = 5000;

export type ToThread =
  | { type: "open"; id: number; path: string; busyTimeoutMs: number }
  | { type: "close"; id: number }
  | { type: "stats"; id: number; request: number };

export type FromThread =
  | { type: "opened"; id: number; ok: boolean; error?: string }
  | { type: "error"; id: number; path: string; error: string }
  | { type: "stats"; id: number; request: number; checkpoints: number; frames: number; errors: number }
  | { type: "empty" };

/** What the thread has done for one registration: checkpoints that copied frames, frames copied, failures. */
export type WalCheckpointStats = { checkpoints: number; frames: number; errors: number };

export type WalCheckpointRegistration = {
  /** Asks the thread for this file's counts (tests, diagnostics). */
  stats(): Promise<WalCheckpointStats>;
  /** Unregisters the file: the thread closes its connection, and stops when none is left. */
  close(): void;
};

type Thread = {
  worker: Worker;
  /** Answers awaited, by registration id (an open) or by request number (a count). */
  pending: Map<number, (message: FromThread) => void>;
  loggers: Map<number, Logger>;
  /** Set while the thread has no file and waits LINGER_MS for one before it stops. */
  linger?: ReturnType<typeof setTimeout>;
};

let current: Thread | undefined;
let nextId = 1;
/** Count requests are numbered below zero, so they never meet a registration id in `pending`. */
let nextRequest = -1;
/** Threads not yet terminated: the current one, and one on its way out. */
const live = new Set<Worker>();

/** Checkpoint threads of this process not yet stopped (tests: the last close stops the thread). */
export const checkpointThreadsRunning = (): number => live.size;

function stopThread(worker: Worker) {
  live.delete(worker);
  worker.terminate();
}

function startThread(): Thread {
  // The global is typed from the DOM library here; `smol` (a small heap), `ref` and `unref()` are Bun's.
  const options: Bun.WorkerOptions = { smol: true, ref: false };
  const worker = new Worker(
    new URL("./wal-checkpoint-thread.ts", import.meta.url).href,
    options as WorkerOptions,
  );
  (worker as unknown as Bun.Worker).unref();
  live.add(worker);
  const thread: Thread = { worker, pending: new Map(), loggers: new Map() };
  worker.onmessage = (event: MessageEvent<FromThread>) => {
    const message = event.data;
    if (message.type === "empty") {
      // Every file this thread had is closed; unless one came since, it stops after a while without any.
      if (thread.loggers.size === 0) lingerThenStop(thread);
      return;
    }
    if (message.type === "error") {
      thread.loggers.get(message.id)?.log("warn", {
        msg: "background WAL checkpoint failed",
        path: message.path,
        err: message.error,
      });
      return;
    }
    const key = message.type === "stats" ? message.request : message.id;
    const waiter = thread.pending.get(key);
    thread.pending.delete(key);
    waiter?.(message);
  };
  worker.onerror = (event: ErrorEvent) => {
    // A dead thread checkpoints nothing more: its files are left to the inline safety net, which bounds
    // their WAL. The next registration starts a new thread.
    for (const logger of new Set(thread.loggers.values()))
      logger.log("error", {
        msg: "the background WAL checkpoint thread failed; inline checkpoints at the safety net remain",
        err: String(event.message ?? event),
      });
    if (current === thread) current = undefined;
    for (const [id, waiter] of thread.pending)
      waiter({ type: "opened", id, ok: false, error: event.message });
    thread.pending.clear();
    stopThread(worker);
  };
  return thread;
}

function request(thread: Thread, message: ToThread, timeoutMs: number): Promise<FromThread | undefined> {
  const key = message.type === "stats" ? message.request : message.id;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      thread.pending.delete(key);
      resolve(undefined);
    }, timeoutMs);
    thread.pending.set(key, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    thread.worker.postMessage(message);
  });
}

/**
 * Registers a WAL-mode database file with the process's checkpoint thread (starting it if needed). Answers
 * undefined, having logged why, when the thread cannot start or cannot open the file: the caller then keeps
 * SQLite's inline checkpoints.
 */
export async function registerWalFile(
  path: string,
  options: { busyTimeoutMs: number; logger: Logger },
): Promise<WalCheckpointRegistration | undefined> {
  const { logger } = options;
  // Node (the CLIs can run there) has no Bun Worker: SQLite's inline checkpoints, as ever.
  if (typeof Bun === "undefined") return undefined;
  const id = nextId++;
  let thread: Thread;
  try {
    current ??= startThread();
    thread = current;
    clearTimeout(thread.linger);
    thread.linger = undefined;
  } catch (err) {
    logger.log("warn", {
      msg: "background WAL checkpoints unavailable; SQLite checkpoints inline",
      err: String(err),
    });
    return undefined;
  }
  thread.loggers.set(id, logger);
  const answer = await request(
    thread,
    { type: "open", id, path, busyTimeoutMs: options.busyTimeoutMs },
    OPEN_TIMEOUT_MS,
  );
  if (answer?.type !== "opened" || !answer.ok) {
    thread.loggers.delete(id);
    closeOnThread(thread, id);
    logger.log("warn", {
      msg: "background WAL checkpoints unavailable; SQLite checkpoints inline",
      path,
      err: answer?.type === "opened" ? answer.error : "the checkpoint thread did not answer",
    });
    return undefined;
  }
  let closed = false;
  return {
    async stats() {
      const none = { checkpoints: 0, frames: 0, errors: 0 };
      if (closed) return none;
      const reply = await request(thread, { type: "stats", id, request: nextRequest-- }, OPEN_TIMEOUT_MS);
      return reply?.type === "stats"
        ? { checkpoints: reply.checkpoints, frames: reply.frames, errors: reply.errors }
        : none;
    },
    close() {
      if (closed) return;
      closed = true;
      thread.loggers.delete(id);
      closeOnThread(thread, id);
    },
  };
}

function closeOnThread(thread: Thread, id: number) {
  try {
    thread.worker.postMessage({ type: "close", id } satisfies ToThread);
  } catch {
    // A terminated thread has closed its connections already.
  }
}

function lingerThenStop(thread: Thread) {
  clearTimeout(thread.linger);
  thread.linger = setTimeout(() => {
    thread.linger = undefined;
    if (thread.loggers.size > 0) return;
    // From here a registration starts a new thread: none is sent to this one on its way out.
    if (current === thread) current = undefined;
    stopThread(thread.worker);
  }, LINGER_MS);
  // Never what keeps a process alive.
  (thread.linger as { unref?: () => void }).unref?.();
}
