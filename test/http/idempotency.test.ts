/**
 * The Idempotency-Key middleware on a small route of its own (it writes to the audit log), so it is tested
 * apart from orders and stock: replays, reuse with another body, concurrent duplicates, callers that do
 * not share keys, failures that free the key, and expiry after 24 hours.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { API_PREFIX } from "../../src/app.ts";
import { auditLog, idempotencyKeys } from "../../src/db/schema/http.ts";
import { canonicalJson } from "../../src/digest.ts";
import { requireRole } from "../../src/http/auth.ts";
import {
  IDEMPOTENCY_ABANDONED_MS,
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotencyKeyHeader,
  IdempotentReplayedHeader,
  idempotent,
  purgeIdempotencyKeys,
} from "../../src/http/idempotency.ts";
import { createRouter, jsonBody, jsonContent, problemResponses } from "../../src/http/openapi.ts";
import { ProblemError } from "../../src/http/problem.ts";
import { createTestApp, type TestApp, TestClock } from "../support/test-app.ts";

const NoteInput = z.object({ text: z.string().min(1), failWith: z.number().int().optional() });
const Note = z.object({ id: z.string(), text: z.string(), by: z.string() });

const createNote = createRoute({
  method: "post",
  path: "/test-notes/{book}",
  middleware: [requireRole(), idempotent("test.notes")],
  request: {
    params: z.object({ book: z.string() }),
    headers: IdempotencyKeyHeader,
    ...jsonBody(NoteInput),
  },
  responses: {
    201: { ...jsonContent(Note, "Made"), headers: IdempotentReplayedHeader },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});

/** Lets a test hold a request inside its handler while another arrives. */
let gate: Promise<void> | undefined;
let handlerRuns = 0;
/** Told each time the handler starts. */
let entered: (() => void) | undefined;

function testRouter() {
  return createRouter().openapi(createNote, async (c) => {
    handlerRuns++;
    entered?.();
    await gate;
    const { text, failWith } = c.req.valid("json");
    if (failWith === 500) throw new Error("boom (a bug)");
    if (failWith) throw new ProblemError(failWith as 409, "Refused on purpose.", { code: "conflict" });
    const by = c.get("principal")!.id;
    const id = `note_${handlerRuns}`;
    await c.get("services").audit.record({ actorId: by, action: "test.note", subject: id, detail: { text } });
    return c.json({ id, text, by }, 201, { Location: `/notes/${id}` });
  });
}

let t: TestApp;
let clock: TestClock;
beforeEach(async () => {
  clock = new TestClock();
  t = await createTestApp({ clock });
  t.app.route(API_PREFIX, testRouter());
  gate = undefined;
  entered = undefined;
  handlerRuns = 0;
});
afterEach(() => t.close());

const notes = async () =>
  (await t.deps.db.select().from(auditLog).where(eq(auditLog.action, "test.note"))).length;

function post(headers: Record<string, string>, body: unknown, book = "b1") {
  return t.call("POST", `${API_PREFIX}/test-notes/${book}`, { headers, body });
}

describe("Idempotency-Key", () => {
  test("without a key every request runs", async () => {
    const me = await t.signIn();
    expect((await post(me.headers, { text: "a" })).status).toBe(201);
    expect((await post(me.headers, { text: "a" })).status).toBe(201);
    expect(await notes()).toBe(2);
  });

  test("a retry with the same key and body gets the first answer and changes nothing", async () => {
    const me = await t.signIn();
    const headers = { ...me.headers, "Idempotency-Key": "key-1" };
    const first = await post(headers, { text: "hello" });
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const firstBody = await first.json();

    // Same body with its keys in another order: the same request.
    const again = await t.call("POST", `${API_PREFIX}/test-notes/b1`, {
      headers: { ...headers, "Content-Type": "application/json" },
      body: '{ "text" : "hello" }',
    });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(again.headers.get("Content-Type")).toContain("application/json");
    expect(again.headers.get("X-Request-Id")).not.toBe(first.headers.get("X-Request-Id"));
    expect(await again.json()).toEqual(firstBody);
    expect(handlerRuns).toBe(1);
    expect(await notes()).toBe(1);
  });

  test("the same key with another body (or another path) is refused with 422 and runs nothing", async () => {
    const me = await t.signIn();
    const headers = { ...me.headers, "Idempotency-Key": "key-2" };
    expect((await post(headers, { text: "one" })).status).toBe(201);
    for (const res of [await post(headers, { text: "two" }), await post(headers, { text: "one" }, "b2")]) {
      expect(res.status).toBe(422);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      const p = (await res.json()) as { type: string; detail: string };
      expect(p.type).toEndWith("/idempotency-key-reused");
    }
    expect(await notes()).toBe(1);
  });

  test("concurrent duplicates: exactly one runs, the others are told it is in flight or get its answer", async () => {
    const me = await t.signIn();
    const headers = { ...me.headers, "Idempotency-Key": "race" };
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(headers, { text: "race" })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const originals = answers.filter((r) => r.status === 201 && !r.headers.has("Idempotent-Replayed"));
    expect(originals).toHaveLength(1);
    expect(handlerRuns).toBe(1);
    expect(await notes()).toBe(1);
  });

  test("a duplicate while the first is held in its handler gets 409 in-flight with Retry-After", async () => {
    const me = await t.signIn();
    const headers = { ...me.headers, "Idempotency-Key": "slow" };
    let open!: () => void;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = post(headers, { text: "slow" });
    await inHandler;
    const dup = await post(headers, { text: "slow" });
    expect(dup.status).toBe(409);
    expect(dup.headers.get("Retry-After")).toBe("1");
    expect(((await dup.json()) as { type: string }).type).toEndWith("/idempotency-key-in-flight");
    open();
    expect((await first).status).toBe(201);
    const after = await post(headers, { text: "slow" });
    expect(after.status).toBe(201);
    expect(after.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await notes()).toBe(1);
  });

  test("different callers with the same key do not collide", async () => {
    const alice = await t.signIn();
    const bob = await t.signIn();
    const a = await post({ ...alice.headers, "Idempotency-Key": "shared" }, { text: "x" });
    const b = await post({ ...bob.headers, "Idempotency-Key": "shared" }, { text: "x" });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get("Idempotent-Replayed")).toBeNull();
    expect(((await a.json()) as { by: string }).by).toBe(alice.id);
    expect(((await b.json()) as { by: string }).by).toBe(bob.id);
    expect(await notes()).toBe(2);
  });

  test("a 4xx answer is stored and replayed; a 5xx frees the key so a retry runs again", async () => {
    const me = await t.signIn();
    const refused = { ...me.headers, "Idempotency-Key": "refused" };
    expect((await post(refused, { text: "n", failWith: 409 })).status).toBe(409);
    const replay = await post(refused, { text: "n", failWith: 409 });
    expect(replay.status).toBe(409);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.headers.get("Content-Type")).toContain("application/problem+json");
    const body = (await replay.json()) as { type: string; detail: string };
    expect(body.type).toEndWith("/conflict");
    expect(body.detail).toBe("Refused on purpose.");
    expect(handlerRuns).toBe(1);

    const broken = { ...me.headers, "Idempotency-Key": "broken" };
    expect((await post(broken, { text: "n", failWith: 500 })).status).toBe(500);
    expect((await post(broken, { text: "n", failWith: 500 })).status).toBe(500);
    expect(handlerRuns).toBe(3);
    const rows = await t.deps.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, "broken"));
    expect(rows).toHaveLength(0);
  });

  test("an answer made before the handler ran is not kept: a corrected retry with the same key runs", async () => {
    const me = await t.signIn();
    const headers = { ...me.headers, "Idempotency-Key": "corrected" };
    // A body that fails its schema (422), JSON that does not parse (400), a body that is not JSON (415).
    expect((await post(headers, { text: "" })).status).toBe(422);
    const raw = (body: string, type: string) =>
      t.app.request(`${API_PREFIX}/test-notes/b1`, {
        method: "POST",
        headers: { ...headers, "Content-Type": type },
        body,
      });
    expect((await raw("{not json", "application/json")).status).toBe(400);
    expect((await raw("text=hi", "text/plain")).status).toBe(415);
    expect(handlerRuns).toBe(0);
    const rows = await t.deps.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, "corrected"));
    expect(rows).toHaveLength(0);

    const res = await post(headers, { text: "fixed" });
    expect(res.status).toBe(201);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    // From now on the key is the corrected request's: its answer replays, another body is refused.
    expect((await post(headers, { text: "fixed" })).headers.get("Idempotent-Replayed")).toBe("true");
    const reused = await post(headers, { text: "" });
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { code: string }).code).toBe("idempotency-key-reused");
    expect(handlerRuns).toBe(1);
    expect(await notes()).toBe(1);
  });

  test("a malformed key is a 400 problem and runs nothing", async () => {
    const me = await t.signIn();
    for (const key of ["", "has space", "x".repeat(256), "é"]) {
      const res = await t.app.request(`${API_PREFIX}/test-notes/b1`, {
        method: "POST",
        headers: { ...me.headers, "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ text: "k" }),
      });
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(((await res.json()) as { type: string }).type).toEndWith("/idempotency-key-invalid");
    }
    expect(handlerRuns).toBe(0);
    const ok = await post({ ...me.headers, "Idempotency-Key": "x".repeat(255) }, { text: "k" });
    expect(ok.status).toBe(201);
  });

  test("authentication comes first: an anonymous request is 401 and reserves nothing", async () => {
    const res = await post({ "Idempotency-Key": "anon" }, { text: "x" });
    expect(res.status).toBe(401);
    expect(await t.deps.db.select().from(idempotencyKeys)).toHaveLength(0);
  });

  test("keys are kept 24 hours: a retry within them replays, after them the key is new again", async () => {
    const me = await t.signIn();
    const headers = { ...me.headers, "Idempotency-Key": "daily" };
    expect((await post(headers, { text: "d" })).status).toBe(201);
    clock.advance(IDEMPOTENCY_KEY_TTL_MS - 60_000);
    await t.services.tokens.issueAccessToken(me.id, "customer", me.email).then(({ token }) => {
      headers.Authorization = `Bearer ${token}`;
    });
    expect((await post(headers, { text: "d" })).headers.get("Idempotent-Replayed")).toBe("true");
    expect(await purgeIdempotencyKeys(t.deps)).toBe(0);

    clock.advance(2 * 60_000);
    expect(await purgeIdempotencyKeys(t.deps)).toBe(1);
    const fresh = await post(headers, { text: "other body is fine now" });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await notes()).toBe(2);
  });

  test("an expired key not yet purged is also treated as new", async () => {
    const me = await t.signIn();
    const headers = { ...me.headers, "Idempotency-Key": "late" };
    expect((await post(headers, { text: "a" })).status).toBe(201);
    clock.advance(IDEMPOTENCY_KEY_TTL_MS + 1);
    const { token } = await t.services.tokens.issueAccessToken(me.id, "customer", me.email);
    headers.Authorization = `Bearer ${token}`;
    const res = await post(headers, { text: "b" });
    expect(res.status).toBe(201);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await notes()).toBe(2);
  });

  test("a pending marker left by a dead process is taken over after five minutes", async () => {
    const me = await t.signIn();
    // What a crash between reserving and storing leaves behind.
    await t.deps.client.execute({
      sql: "INSERT INTO idempotency_keys (key, scope, request_hash, status, body, headers, created_at) VALUES (?, ?, 'x', 0, '', '{}', ?)",
      args: ["orphan", `test.notes|${me.id}|POST /api/v1/test-notes/:book`, clock.now().toISOString()],
    });
    const headers = { ...me.headers, "Idempotency-Key": "orphan" };
    expect((await post(headers, { text: "o" })).status).toBe(422); // another request's hash
    clock.advance(IDEMPOTENCY_ABANDONED_MS + 1);
    const { token } = await t.services.tokens.issueAccessToken(me.id, "customer", me.email);
    headers.Authorization = `Bearer ${token}`;
    expect((await post(headers, { text: "o" })).status).toBe(201);
    expect(await notes()).toBe(1);
  });

  test("the header is documented on the route", () => {
    const doc = testRouter().getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const op = doc.paths?.["/test-notes/{book}"]?.post as { parameters?: { name: string; in: string }[] };
    expect(op.parameters?.some((p) => p.name === "idempotency-key" && p.in === "header")).toBe(true);
  });

  test("canonical JSON sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[2,{"c":2,"d":1}]}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });
});
