/**
 * Stream caps on the Worker build: the spirit's Durable Object counts its sockets per client address and
 * per account (by their hibernation tags) and refuses one over a cap; the Worker answers that as the
 * app's 429 problem. Each object counts only its own spirit's sockets, including those the Worker opens to
 * it for an event stream.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openShop, type Shop } from "../orders/shop.ts";
import { handshake, SseClient, WatchClient } from "../realtime/support.ts";
import { openTarget, selectedTargets, type Target } from "../support/targets.ts";
import { waitFor } from "../support/wait-for.ts";

const onWorker = selectedTargets(["worker"]).length ? describe : describe.skip;
const PER_CLIENT = 3;
const PER_ACCOUNT = 2;

onWorker("stream caps on the Worker build", () => {
  let t: Target;
  let shop: Shop;
  let base: string;
  const open: WatchClient[] = [];
  const watch = async (path: string) => {
    const client = await WatchClient.open(`${base.replace("http:", "ws:")}${path}`);
    open.push(client);
    await client.until((c) => c.messages.length > 0, "the snapshot");
    return client;
  };

  beforeAll(async () => {
    t = await openTarget("worker", {
      env: { STOCK_STREAMS_PER_CLIENT: String(PER_CLIENT), STOCK_STREAMS_PER_ACCOUNT: String(PER_ACCOUNT) },
    });
    shop = await openShop(t);
    base = await t.baseUrl();
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await t.close();
  });

  test("per address and per account, per spirit: the next socket is 429 with Retry-After until one closes", async () => {
    const s = await shop.spirit();
    const other = await shop.spirit();
    const customer = await shop.customer();
    const signedIn = `/api/v1/spirits/${s}/stock/ws?token=${customer.token}`;
    await watch(signedIn);
    await watch(signedIn);
    const account = await handshake(base, signedIn);
    expect(account.status).toBe(429);
    expect(account.header("Content-Type")).toBe("application/problem+json");
    expect(Number(account.header("Retry-After"))).toBeGreaterThan(0);
    expect(account.body).toMatchObject({ code: "too-many-streams", scope: "account", limit: PER_ACCOUNT });

    const anonymous = await watch(`/api/v1/spirits/${s}/stock/ws`);
    const client = await handshake(base, `/api/v1/spirits/${s}/stock/ws`);
    expect(client.status).toBe(429);
    expect(client.body).toMatchObject({ code: "too-many-streams", scope: "client", limit: PER_CLIENT });
    // Another spirit's object has its own count.
    await watch(`/api/v1/spirits/${other}/stock/ws`);

    anonymous.close();
    await waitFor(async () => (await handshake(base, `/api/v1/spirits/${s}/stock/ws`)).status === 101, {
      what: "the closed socket's slot back",
    });
  });

  test("an event stream is one more stream of the spirit's object: past the cap it is a 429 before any byte", async () => {
    const s = await shop.spirit();
    const customer = await shop.customer();
    const stream = (query = "") => `${base}/api/v1/spirits/${s}/stock/events${query}`;
    const first = await SseClient.open(stream(), customer.headers);
    await first.until((c) => c.states().length === 1, "the snapshot");
    await watch(`/api/v1/spirits/${s}/stock/ws?token=${customer.token}`);
    const refused = await fetch(stream(), { headers: customer.headers });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await refused.json()).toMatchObject({
      code: "too-many-streams",
      scope: "account",
      limit: PER_ACCOUNT,
    });
    first.close();
    await waitFor(
      async () =>
        (await handshake(base, `/api/v1/spirits/${s}/stock/ws?token=${customer.token}`)).status === 101,
      {
        what: "the closed stream's slot back",
      },
    );
  });

  test("a multi-spirit socket's subscription counts too: over the cap it is a too-many-streams error", async () => {
    const s = await shop.spirit();
    const customer = await shop.customer();
    for (let i = 0; i < PER_ACCOUNT; i++)
      await watch(`/api/v1/spirits/${s}/stock/ws?token=${customer.token}`);
    const multi = await WatchClient.open(
      `${base.replace("http:", "ws:")}/api/v1/stock/ws?token=${customer.token}`,
    );
    open.push(multi);
    multi.send({ type: "subscribe", spiritIds: [s] });
    await multi.until((c) => c.of("error").length === 1, "the refusal");
    expect(multi.of("error")[0]).toMatchObject({
      code: "too-many-streams",
      limit: PER_ACCOUNT,
      spiritIds: [s],
    });
    expect(multi.states()).toEqual([]);
  });
});
