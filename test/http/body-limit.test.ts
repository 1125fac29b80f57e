/**
 * Bodies over 1 MiB are refused with a 413 problem, whether the client declares the length or streams
 * the body chunked, in-process and over a real socket, on both targets; a refused body never reaches its
 * handler, and one that is read leaves the handler the runtime's own request.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { API_PREFIX, createApp } from "../../src/app.ts";
import { MAX_BODY_BYTES } from "../../src/http/body-rules.ts";
import { describeTargets } from "../support/targets.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";
import { mountTestRoutes, reached, serve } from "./test-routes.ts";

const ECHO = `${API_PREFIX}/test/echo`;
const REACHED = `${API_PREFIX}/test/reached`;

let t: TestApp;
let server: ReturnType<typeof serve>;
beforeAll(async () => {
  t = await createTestApp();
  mountTestRoutes(t.app);
  server = serve(t.app);
});
afterAll(() => {
  server.server.stop(true);
  t.close();
});

/** A valid echo body of exactly `size` bytes. */
function jsonOfSize(size: number): string {
  const shell = JSON.stringify({ name: "", bottles: 1 });
  return JSON.stringify({ name: "a".repeat(size - shell.length), bottles: 1 });
}

/** A stream of `size` bytes of `text` repeated, in 64 KiB chunks: fetch sends it chunked. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 65536));
      offset += 65536;
    },
  });
}

/** Sends a raw HTTP/1.1 request and returns the status line and headers of the answer. */
async function rawRequest(head: string, chunks: string[]): Promise<string> {
  const { promise, resolve } = Promise.withResolvers<string>();
  let received = "";
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port: server.server.port!,
    socket: {
      data(_s, data) {
        received += new TextDecoder().decode(data);
        if (received.includes("\r\n\r\n")) resolve(received);
      },
      close() {
        resolve(received);
      },
      error() {
        resolve(received);
      },
    },
  });
  socket.write(head);
  for (const chunk of chunks) socket.write(chunk);
  const answer = await promise;
  socket.end();
  return answer;
}

async function expect413(res: Response) {
  expect(res.status).toBe(413);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = await res.json();
  expect(body.type).toEndWith("/payload-too-large");
  expect(body.detail).toContain("1 MiB");
}

describe("in-process", () => {
  test("a body of exactly 1 MiB is read", async () => {
    const body = jsonOfSize(MAX_BODY_BYTES);
    expect(body.length).toBe(MAX_BODY_BYTES);
    const res = await t.app.request(ECHO, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "Content-Length": String(body.length) },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).receivedBytes).toBe(MAX_BODY_BYTES);
  });

  test("a declared length over 1 MiB is a 413 problem", async () => {
    const body = jsonOfSize(MAX_BODY_BYTES + 1);
    await expect413(
      await t.app.request(ECHO, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json", "Content-Length": String(body.length) },
      }),
    );
  });

  test("a streamed body over 1 MiB without a length is a 413 problem", async () => {
    await expect413(
      await t.app.request(ECHO, {
        method: "POST",
        body: chunked(jsonOfSize(MAX_BODY_BYTES + 1)),
        headers: { "Content-Type": "application/json" },
        duplex: "half",
      } as RequestInit),
    );
  });

  test("a streamed body over 1 MiB never reaches its handler; one under it does, whole", async () => {
    const before = reached.count;
    await expect413(
      await t.app.request(REACHED, {
        method: "POST",
        body: chunked(jsonOfSize(MAX_BODY_BYTES + 1)),
        headers: { "Content-Type": "application/json" },
        duplex: "half",
      } as RequestInit),
    );
    expect(reached.count).toBe(before);
    const res = await t.app.request(REACHED, {
      method: "POST",
      body: chunked(jsonOfSize(MAX_BODY_BYTES)),
      headers: { "Content-Type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect((await res.json()).receivedBytes).toBe(MAX_BODY_BYTES);
    expect(reached.count).toBe(before + 1);
  });

  test("a Content-Length that is not a number is a 400 problem", async () => {
    const res = await t.app.request(ECHO, {
      method: "POST",
      body: "{}",
      headers: { "Content-Type": "application/json", "Content-Length": "lots" },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });
});

describe("over a real socket", () => {
  test("a chunked body under the limit is parsed", async () => {
    const res = await fetch(server.url + ECHO, {
      method: "POST",
      body: chunked(jsonOfSize(300_000)),
      headers: { "Content-Type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect((await res.json()).receivedBytes).toBe(300_000);
  });

  test("a chunked body over 1 MiB is a 413 problem", async () => {
    await expect413(
      await fetch(server.url + ECHO, {
        method: "POST",
        body: chunked(jsonOfSize(2 * MAX_BODY_BYTES)),
        headers: { "Content-Type": "application/json" },
        duplex: "half",
      } as RequestInit),
    );
  });

  test("a chunked body over 1 MiB never reaches its handler", async () => {
    const before = reached.count;
    await expect413(
      await fetch(server.url + REACHED, {
        method: "POST",
        body: chunked(jsonOfSize(2 * MAX_BODY_BYTES)),
        headers: { "Content-Type": "application/json" },
        duplex: "half",
      } as RequestInit),
    );
    expect(reached.count).toBe(before);
  });

  test("after a chunked body is read, the runtime still knows the caller's address", async () => {
    // The sign-in throttle keys on Bun's requestIP, which answers only for the runtime's own request.
    const deps = {
      ...t.deps,
      clientAddress: (req: Request, env: unknown) =>
        (env as { requestIP(r: Request): { address: string } | null }).requestIP(req)?.address,
    };
    const real = serve(mountTestRoutes(createApp(deps, t.services)));
    try {
      const res = await fetch(real.url + REACHED, {
        method: "POST",
        body: chunked(jsonOfSize(300_000)),
        headers: { "Content-Type": "application/json" },
        duplex: "half",
      } as RequestInit);
      expect(await res.json()).toMatchObject({
        receivedBytes: 300_000,
        address: expect.stringContaining("127.0.0.1"),
      });
    } finally {
      real.server.stop(true);
    }
  });

  test("a Content-Length over 1 MiB is refused before the body is sent", async () => {
    // Only the head goes out: the answer must not wait for 1 MiB that never comes.
    const head =
      `POST ${ECHO} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`;
    const answer = await rawRequest(head, []);
    expect(answer).toStartWith("HTTP/1.1 413");
    expect(answer.toLowerCase()).toContain("content-type: application/problem+json");
  });

  test("a chunked body without Content-Type is a 415 problem", async () => {
    const head = `POST ${ECHO} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const json = '{"name":"a","bottles":1}';
    const answer = await rawRequest(head, [`${json.length.toString(16)}\r\n${json}\r\n`, "0\r\n\r\n"]);
    expect(answer).toStartWith("HTTP/1.1 415");
  });

  test("a bodiless POST over the wire needs no Content-Type", async () => {
    const res = await fetch(server.url + ECHO, { method: "POST" });
    expect(res.status).not.toBe(415);
    await res.body?.cancel();
  });
});

describeTargets("the body limit", (target) => {
  const SPIRITS = `${API_PREFIX}/spirits`;
  test("a declared length over 1 MiB is a 413 problem", async () => {
    const body = jsonOfSize(MAX_BODY_BYTES + 1);
    await expect413(
      await target.request(SPIRITS, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json" },
      }),
    );
  });

  test("a streamed body over 1 MiB without a length is a 413 problem", async () => {
    await expect413(
      await target.request(SPIRITS, {
        method: "POST",
        body: chunked(jsonOfSize(2 * MAX_BODY_BYTES)),
        headers: { "Content-Type": "application/json" },
        duplex: "half",
      } as RequestInit),
    );
  });

  test("a streamed body under 1 MiB is read (and then refused for the missing token)", async () => {
    const res = await target.request(SPIRITS, {
      method: "POST",
      body: chunked(jsonOfSize(300_000)),
      headers: { "Content-Type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });
});
