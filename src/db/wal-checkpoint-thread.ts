/**
 * The body of the background WAL checkpoint thread (a Bun Worker started by src/db/wal-checkpointer.ts;
 * see there for why). It holds one `libsql` connection per registered database file and runs
 * `PRAGMA wal_checkpoint(PASSIVE)` on each in turn, so the copy of WAL frames into the database and its
 * fsyncs happen here instead of inside a request's commit.
 *
 * When to checkpoint: the checkpoint's own answer (frames in the WAL, frames backfilled) says whether the WAL
 * grew since the last look, so no second signal is read. A passive checkpoint with nothing new to copy takes
 * the checkpoint lock and reads the WAL index (no copy, no fsync): a database that is written is looked at
 * every ACTIVE_MS, one that is not backs off to IDLE_MAX_MS (tests leave hundreds of idle files open). The
 * -wal file's size would not do: it never shrinks when the WAL restarts from its start.
 *
 * Nothing here throws out of the thread: a failing checkpoint is counted and reported to the main thread,
 * which logs it.
 */
import Database from "libsql";
import type { FromThread, ToThread } from "./wal-checkpointer.ts";

declare const self: Worker;

const ACTIVE_MS = 5;
const IDLE_MAX_MS = 1000;

type File = {
  db: InstanceType<typeof Database>;
  checkpoint: { get(args: unknown[]): unknown };
  path: string;
  dueAt: number;
  idleMs: number;
  log: number;
  backfilled: number;
  checkpoints: number;
  frames: number;
  errors: number;
};

const files = new Map<number, File>();
let timer: ReturnType<typeof setTimeout> | undefined;

const send = (message: FromThread) => postMessage(message);

function open(id: number, path: string, busyTimeoutMs: number) {
  try {
    const db = new Database(path, { timeout: busyTimeoutMs });
    // Checkpoints still sync the WAL and the database at NORMAL (what keeps a reset WAL safe).
    db.exec("PRAGMA synchronous = NORMAL");
    const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true);
    const file: File = {
      db,
      checkpoint,
      path,
      dueAt: 0,
      idleMs: ACTIVE_MS,
      log: 0,
      backfilled: 0,
      checkpoints: 0,
      frames: 0,
      errors: 0,
    };
    files.set(id, file);
    send({ type: "opened", id, ok: true });
    schedule();
  } catch (err) {
    send({ type: "opened", id, ok: false, error: String(err) });
  }
}

function close(id: number) {
  const file = files.get(id);
  files.delete(id);
  try {
    file?.db.close();
  } catch (err) {
    send({ type: "error", id, path: file?.path ?? "", error: String(err) });
  }
  if (files.size === 0) {
    clearTimeout(timer);
    timer = undefined;
    send({ type: "empty" });
  }
}

function checkpointOne(id: number, file: File, now: number) {
  let grew = false;
  try {
    // [busy, frames in the WAL, frames backfilled]; -1s when the file is not in WAL mode.
    const [, log, backfilled] = (file.checkpoint.get([]) as unknown[]).map(Number) as [
      number,
      number,
      number,
    ];
    // A smaller WAL than last time: it restarted from its start, so every backfilled frame is new.
    const restarted = log < file.log;
    const copied = restarted ? backfilled : Math.max(0, backfilled - file.backfilled);
    if (copied > 0) {
      file.checkpoints += 1;
      file.frames += copied;
    }
    grew = restarted ? log > 0 : log > file.log;
    file.log = Math.max(0, log);
    file.backfilled = Math.max(0, backfilled);
  } catch (err) {
    file.errors += 1;
    // The first failure, then one line in a thousand: a file that keeps failing retries once a second.
    if (file.errors % 1000 === 1) send({ type: "error", id, path: file.path, error: String(err) });
  }
  file.idleMs = grew ? ACTIVE_MS : Math.min(file.idleMs * 2, IDLE_MAX_MS);
  file.dueAt = now + file.idleMs;
}

function tick() {
  timer = undefined;
  const now = performance.now();
  for (const [id, file] of files) if (file.dueAt <= now) checkpointOne(id, file, now);
  schedule();
}

function schedule() {
  if (timer !== undefined || files.size === 0) return;
  let next = Number.POSITIVE_INFINITY;
  for (const file of files.values()) next = Math.min(next, file.dueAt);
  timer = setTimeout(tick, Math.max(0, next - performance.now()));
}

self.onmessage = (event: MessageEvent<ToThread>) => {
  const message = event.data;
  if (message.type === "open") open(message.id, message.path, message.busyTimeoutMs);
  else if (message.type === "close") close(message.id);
  else if (message.type === "stats") {
    const file = files.get(message.id);
    send({
      type: "stats",
      id: message.id,
      request: message.request,
      checkpoints: file?.checkpoints ?? 0,
      frames: file?.frames ?? 0,
      errors: file?.errors ?? 0,
    });
  }
};
