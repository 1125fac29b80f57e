/**
 * Raw WebSocket clients for the fan-out benchmarks (bench:fanout, bench:drop's waiting room): Bun.connect
 * with the frames parsed by hand. A browser-style WebSocket object per socket costs an event object and a
 * string per message, and at 100,000 messages a second on one core that, not the server, is what a
 * benchmark would measure. Each text frame is timed when its TCP chunk arrives; pings are answered (masked,
 * as clients must). Also the child processes' command protocol, one JSON line each way.
 */
import { createInterface } from "node:readline";

export const now = () => performance.timeOrigin + performance.now();

const HEADER_END = Buffer.from("\r\n\r\n");

/** The non-negative integer right after `key` in a payload (`"version":12` → 12), or -1 without the key. */
export function readNumberAfter(payload: Buffer, key: Buffer): number {
  let at = payload.indexOf(key);
  if (at < 0) return -1;
  at += key.length;
  let v = 0;
  for (let c = payload[at]!; c >= 48 && c <= 57; c = payload[++at]!) v = v * 10 + (c - 48);
  return v;
}

type Reader = { upgraded: boolean; pending: Buffer | undefined; first: (() => void) | undefined };

/** Handles every complete frame in the chunk; returns what is left of an incomplete one. */
function frames(
  r: Reader,
  data: Buffer,
  t: number,
  onText: (payload: Buffer, t: number) => void,
  pong: (payload: Buffer) => void,
): Buffer | undefined {
  let i = 0;
  while (i + 2 <= data.length) {
    const opcode = data[i]! & 0x0f;
    let len = data[i + 1]! & 0x7f;
    let at = i + 2;
    if (len === 126) {
      if (at + 2 > data.length) break;
      len = data.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      if (at + 8 > data.length) break;
      len = Number(data.readBigUInt64BE(at));
      at += 8;
    }
    if (at + len > data.length) break;
    const payload = data.subarray(at, at + len);
    if (opcode === 1) {
      onText(payload, t);
      r.first?.();
      r.first = undefined;
    } else if (opcode === 9) pong(payload);
    i = at + len;
  }
  return i < data.length ? Buffer.from(data.subarray(i)) : undefined;
}

/**
 * Opens one socket to `path` and resolves at its first text message (the server's hello), so that a caller
 * knows the socket is subscribed; every text message, that one included, goes to `onText`.
 */
export function connectRaw(
  target: { hostname: string; port: number; path: string; label: string },
  onText: (payload: Buffer, t: number) => void,
): Promise<void> {
  const request = Buffer.from(
    `GET ${target.path} HTTP/1.1\r\nHost: ${target.hostname}:${target.port}\r\n` +
      "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  return new Promise<void>((resolve, reject) => {
    Bun.connect<Reader>({
      hostname: target.hostname,
      port: target.port,
      data: { upgraded: false, pending: undefined, first: resolve },
      socket: {
        open: (socket) => void socket.write(request),
        data(socket, chunk) {
          const t = now();
          const me = socket.data;
          let data = me.pending
            ? Buffer.concat([me.pending, chunk])
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          if (!me.upgraded) {
            const end = data.indexOf(HEADER_END);
            if (end < 0) {
              me.pending = Buffer.from(data);
              return;
            }
            if (!data.subarray(0, 12).toString("latin1").includes(" 101")) {
              reject(new Error(`${target.label}: ${data.subarray(0, end).toString("latin1")}`));
              return;
            }
            me.upgraded = true;
            data = data.subarray(end + 4);
          }
          me.pending = frames(me, data, t, onText, (payload) => {
            // A masked pong with a zero mask carries the ping's payload unchanged.
            const head = Buffer.from([0x8a, 0x80 | payload.length, 0, 0, 0, 0]);
            socket.write(Buffer.concat([head, payload]));
          });
        },
        error: (_socket, err) => reject(err),
      },
    }).catch(reject);
  });
}

/** Child side of the protocol: one JSON command per stdin line, one JSON reply per stdout line. */
export function serveCommands<C = Record<string, unknown>>(handle: (command: C) => Promise<unknown>) {
  const lines = createInterface({ input: process.stdin });
  lines.on("line", async (line) => {
    process.stdout.write(`${JSON.stringify(await handle(JSON.parse(line) as C))}\n`);
  });
  lines.on("close", () => process.exit(0));
}
