/**
 * A real Bun.serve on port 0 around the whole app (the same Bun WebSocket wiring as src/runtime/bun.ts),
 * with WebSocket and Server-Sent Events clients that record every message they receive.
 */

import { afterAll, beforeAll, describe } from "bun:test";
import net from "node:net";
import type { Clock, Timers } from "../../src/deps.ts";
import { createBunSockets } from "../../src/runtime/bun-sockets.ts";
import { openTarget, selectedTargets, type Target, type TargetName } from "../support/targets.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { waitFor } from "../support/wait-for.ts";

export type StockServer = TestApp & {
  base: string;
  wsBase: string;
  hub: TestApp["services"]["stockStream"]["hub"];
  stop(): Promise<void>;
};

export async function startStockServer(
  options: { env?: Record<string, string>; clock?: Clock; timers?: Timers } = {},
): Promise<StockServer> {
  const env: Record<string, string> = { STOCK_STREAM_HEARTBEAT_MS: "60000", ...options.env };
  const sockets = createBunSockets({ backlogBytes: Number(env.STOCK_STREAM_BACKLOG_BYTES ?? 65536) });
  const deps = {
    sockets: sockets.port,
    // As src/runtime/bun.ts: clients told apart by address (the stream caps count by it).
    clientAddress: (request: Request, env: unknown) =>
      (env as Bun.Server<unknown> | undefined)?.requestIP?.(request)?.address,
    ...(options.timers && { timers: options.timers }),
  };
  const t = await createTestApp({ env, clock: options.clock, deps });
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: t.app.fetch,
    websocket: sockets.websocket,
  });
  sockets.attach(server);
  const base = `http://127.0.0.1:${server.port}`;
  const hub = t.services.stockStream.hub;
  return {
    ...t,
    base,
    wsBase: base.replace("http:", "ws:"),
    hub,
    async stop() {
      hub.close();
      server.stop(true);
      await t.deps.stock.close();
      t.close();
    },
  };
}

export type Message = Record<string, unknown> & { type: string; version?: number; spiritId?: string };

/** Resolves when `ready()` is true, checking whenever something arrives; rejects after `ms`. */
function waitUntil(
  subscribe: (check: () => void) => () => void,
  ready: () => boolean,
  ms: number,
  what: string,
) {
  return new Promise<void>((resolve, reject) => {
    if (ready()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const stop = subscribe(() => {
      if (!ready()) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

class Waiters {
  private readonly checks = new Set<() => void>();
  add = (check: () => void) => {
    this.checks.add(check);
    return () => this.checks.delete(check);
  };
  notify() {
    for (const c of [...this.checks]) c();
  }
}

export class WatchClient {
  readonly messages: Message[] = [];
  closed: { code: number; reason: string } | undefined;
  private readonly waiters = new Waiters();

  private constructor(readonly socket: WebSocket) {
    socket.onmessage = (e) => {
      this.messages.push(JSON.parse(String(e.data)) as Message);
      this.waiters.notify();
    };
    socket.onclose = (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.waiters.notify();
    };
  }

  static open(url: string, init?: { headers?: Record<string, string> }): Promise<WatchClient> {
    const socket = new WebSocket(url, init as never);
    const client = new WatchClient(socket);
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(client);
      socket.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
    });
  }

  send(message: unknown) {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Messages of a type (and spirit), in the order received. */
  of(type: string, spiritId?: string) {
    return this.messages.filter(
      (m) => m.type === type && (spiritId === undefined || m.spiritId === spiritId),
    );
  }

  /** The stock messages (snapshot and stock) of a spirit. */
  states(spiritId?: string) {
    return this.messages.filter(
      (m) =>
        (m.type === "snapshot" || m.type === "stock") && (spiritId === undefined || m.spiritId === spiritId),
    );
  }

  until(ready: (c: WatchClient) => boolean, what = "a message", ms = 3000) {
    return waitUntil(this.waiters.add, () => ready(this), ms, what);
  }

  /** Waits for the spirit's state at `version` or later; returns that message. */
  async reach(spiritId: string, version: number, ms = 3000) {
    await this.until(
      (c) => c.states(spiritId).some((m) => (m.version ?? -1) >= version),
      `${spiritId} at version ${version}`,
      ms,
    );
    const states = this.states(spiritId);
    return states.filter((m) => (m.version ?? -1) >= version).at(-1)!;
  }

  untilClosed(ms = 3000) {
    return this.until((c) => c.closed !== undefined, "the socket to close", ms).then(() => this.closed!);
  }

  close() {
    this.socket.close();
  }
}

export type SseEvent = { id?: string; data?: Message; comment?: string; retry?: number };

/** An EventSource-like reader over fetch, keeping every event and comment. */
export class SseClient {
  readonly events: SseEvent[] = [];
  done = false;
  private readonly waiters = new Waiters();

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}) {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    const client = new SseClient(response, abort);
    if (response.ok && response.body) void client.read(response.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = body.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        buffer += decoder.decode(r.value, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          this.events.push(parseEvent(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
        this.waiters.notify();
      }
    } catch {
      // Aborted by close().
    }
    this.done = true;
    this.waiters.notify();
  }

  states() {
    return this.events.filter((e) => e.data && (e.data.type === "snapshot" || e.data.type === "stock"));
  }

  until(ready: (c: SseClient) => boolean, what = "an event", ms = 3000) {
    return waitUntil(this.waiters.add, () => ready(this), ms, what);
  }

  async reach(version: number, ms = 3000) {
    await this.until(
      (c) => c.states().some((e) => (e.data!.version ?? -1) >= version),
      `version ${version}`,
      ms,
    );
  }

  close() {
    this.abort.abort();
  }
}

function parseEvent(block: string): SseEvent {
  const event: SseEvent = {};
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) event.comment = line.slice(1).trim();
    else if (line.startsWith("id: ")) event.id = line.slice(4);
    else if (line.startsWith("data: ")) event.data = JSON.parse(line.slice(6)) as Message;
    else if (line.startsWith("retry: ")) event.retry = Number(line.slice(7));
  }
  return event;
}

/**
 * A WebSocket handshake by hand, so that a refusal's status, headers and JSON body can be read (a
 * WebSocket client only reports that it failed). The connection is dropped once the answer is in.
 */
export async function handshake(base: string, path: string) {
  const socket = net.connect(Number(new URL(base).port), "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  let text = "";
  socket.on("data", (d: Buffer) => {
    text += d.toString("utf8");
  });
  // The head, and for a refusal its whole body (Content-Length).
  await waitFor(
    () => {
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return false;
      const length = Number(/^content-length: (\d+)/im.exec(text)?.[1] ?? 0);
      return text.startsWith("HTTP/1.1 101") || text.length >= end + 4 + length;
    },
    { what: "the handshake's answer" },
  );
  socket.destroy();
  const [head, body] = text.split("\r\n\r\n") as [string, string];
  return {
    status: Number(head.split(" ")[1]),
    header: (name: string) => new RegExp(`^${name}: (.*)$`, "im").exec(head)?.[1]?.trim(),
    body: body && !head.startsWith("HTTP/1.1 101") ? JSON.parse(body) : undefined,
  };
}

/**
 * A client that sends a request (a WebSocket handshake, or a GET of an event stream) and then never reads:
 * its kernel buffers fill, and the server's backlog for it grows. It never answers pings either.
 */
export async function stalledClient(port: number, path: string, kind: "websocket" | "events") {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  const upgrade =
    kind === "websocket"
      ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      : "Accept: text/event-stream\r\n";
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${upgrade}\r\n`);
  const first = await new Promise<Buffer>((resolve) => socket.once("data", (d: Buffer) => resolve(d)));
  socket.pause();
  const messages: Message[] = [];
  const waiters = new Waiters();
  let closed = false;
  socket.on("close", () => {
    closed = true;
    waiters.notify();
  });
  // Parsed as it arrives (a catching-up reader receives megabytes): `pending` holds an incomplete tail.
  let pending: Buffer = Buffer.alloc(0);
  let inBody = false;
  const take = (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    if (!inBody) {
      const end = pending.indexOf("\r\n\r\n");
      if (end < 0) return;
      pending = pending.subarray(end + 4);
      inBody = true;
    }
    const used = kind === "websocket" ? readFrames(pending, messages) : readSseLines(pending, messages);
    pending = pending.subarray(used);
    waiters.notify();
  };
  take(first);
  return {
    status: Number(first.toString("latin1").split(" ")[1]),
    get closed() {
      return closed;
    },
    /**
     * Reads again until `done` holds for the messages received since the handshake (or the socket's end);
     * returns them.
     */
    async readUntil(done: (messages: Message[], closed: boolean) => boolean, what: string, ms = 3000) {
      if (socket.isPaused()) {
        socket.on("data", take);
        socket.resume();
      }
      await waitUntil(waiters.add, () => done(messages, closed), ms, what);
      return messages;
    },
    destroy() {
      socket.destroy();
    },
  };
}

/**
 * The data of every event in the complete lines of a chunked event-stream body (chunk-size lines are not
 * `data:` lines); returns the bytes used.
 */
function readSseLines(buf: Buffer, out: Message[]): number {
  const end = buf.lastIndexOf("\n");
  if (end < 0) return 0;
  for (const line of buf.subarray(0, end).toString("utf8").split("\n")) {
    if (line.startsWith("data: ")) out.push(JSON.parse(line.slice(6)) as Message);
  }
  return end + 1;
}

/** Complete server-to-client frames (never masked): text frames as JSON, others skipped; returns the bytes used. */
function readFrames(buf: Buffer, out: Message[]): number {
  let i = 0;
  while (i + 2 <= buf.length) {
    const opcode = buf[i]! & 0x0f;
    let len = buf[i + 1]! & 0x7f;
    let at = i + 2;
    if (at + (len === 126 ? 2 : len === 127 ? 8 : 0) > buf.length) break;
    if (len === 126) {
      len = buf.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(buf.readBigUInt64BE(at));
      at += 8;
    }
    if (at + len > buf.length) break;
    if (opcode === 1) out.push(JSON.parse(buf.subarray(at, at + len).toString("utf8")) as Message);
    i = at + len;
  }
  return i;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when the versions only grow. */
export const increasing = (versions: number[]) => versions.every((v, i) => i === 0 || v > versions[i - 1]!);

/** A server the stream clients reach: Bun.serve around the app, or the Worker build in workerd. */
export type StreamHost = Pick<TestApp, "signIn" | "call" | "deps" | "services"> & {
  target: TargetName;
  base: string;
  wsBase: string;
  /** Bun's hub (the Worker has none in the test process). */
  hub: StockServer["hub"] | undefined;
  /** The workerd runtime (worker target only). */
  worker: Target["worker"];
  stop(): Promise<void>;
};

export async function openStreamHost(
  target: TargetName,
  env: Record<string, string> = {},
): Promise<StreamHost> {
  if (target === "bun") {
    const srv = await startStockServer({ env });
    return { ...srv, target, worker: undefined };
  }
  const t = await openTarget("worker", { env: { STOCK_STREAM_HEARTBEAT_MS: "60000", ...env } });
  const base = await t.baseUrl();
  return {
    target,
    call: t.call,
    signIn: t.signIn,
    deps: t.deps,
    services: t.services,
    base,
    wsBase: base.replace("http:", "ws:"),
    hub: undefined,
    worker: t.worker,
    stop: () => t.close(),
  };
}

/**
 * Registers `name [bun]` and `name [worker]` (narrowed by TEST_TARGETS), each with its own host; `body`
 * reaches the host of the block being run.
 */
export function describeStreamTargets(
  name: string,
  body: (host: () => StreamHost) => void,
  env: Record<string, string> = {},
) {
  for (const target of selectedTargets()) {
    describe(`${name} [${target}]`, () => {
      let host: StreamHost | undefined;
      beforeAll(async () => {
        host = await openStreamHost(target, env);
      }, 60_000);
      afterAll(() => host?.stop());
      body(() => {
        if (!host) throw new Error(`the ${target} host is not started`);
        return host;
      });
    });
  }
}
