/**
 * The baseline of bench/flash-sale.ts: the naive way to sell a bottle. One Bun.serve handler per request
 * verifies the bearer token, parses the body, then opens an interactive write transaction on a libSQL
 * file (the same kind of database as the real server, same pragmas): read the level, check it, update
 * it, insert the hold, commit.
 *
 * Transactions take turns through an async lock. Without it the client refuses a transaction once its
 * pool is held by open ones (TRANSACTION_ACTIVE), and a second connection's BEGIN IMMEDIATE would busy-wait
 * on the event loop the first one needs to finish: a naive handler that works at all has to queue.
 *
 * Started by the bench as a child process: `bun bench/flash-sale-baseline.ts` with BASELINE_DB_URL
 * (`file:<path>`, or libSQL over HTTP for `--db remote`), PORT and JWT_SECRET in the environment.
 */
import { createClient } from "@libsql/client";
import { jwtVerify } from "jose";

const env = process.env;
const url = env.BASELINE_DB_URL!;
const client = createClient({ url });
if (url.startsWith("file:")) {
  await client.execute("PRAGMA journal_mode = WAL");
  await client.execute("PRAGMA synchronous = NORMAL");
  await client.execute("PRAGMA busy_timeout = 5000");
}
await client.batch(
  [
    `CREATE TABLE IF NOT EXISTS levels (
       spirit_id TEXT PRIMARY KEY,
       on_hand INTEGER NOT NULL,
       reserved INTEGER NOT NULL DEFAULT 0,
       CHECK (reserved >= 0 AND reserved <= on_hand))`,
    `CREATE TABLE IF NOT EXISTS holds (
       id TEXT PRIMARY KEY,
       spirit_id TEXT NOT NULL,
       customer_id TEXT NOT NULL,
       quantity INTEGER NOT NULL,
       created_at TEXT NOT NULL)`,
  ],
  "write",
);

const secret = new TextEncoder().encode(env.JWT_SECRET);
const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** A FIFO async lock: one open transaction at a time, in arrival order. */
let tail: Promise<void> = Promise.resolve();
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(work);
  tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

async function placeOrder(req: Request): Promise<Response> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get("Authorization") ?? "")?.[1];
  if (!token) return json({ status: 401 }, 401);
  let customerId: string;
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: "angelshare", audience: "angelshare-api" });
    customerId = String(payload.sub);
  } catch {
    return json({ status: 401 }, 401);
  }
  const body = (await req.json()) as { items: { spiritId: string; quantity: number }[] };
  const item = body.items[0]!;
  return exclusive(async () => {
    const tx = await client.transaction("write");
    try {
      const level = await tx.execute({
        sql: "SELECT on_hand - reserved AS available FROM levels WHERE spirit_id = ?",
        args: [item.spiritId],
      });
      const available = Number(level.rows[0]?.available ?? 0);
      if (available < item.quantity) {
        await tx.rollback();
        return json({ type: "sold-out", status: 409, available }, 409);
      }
      await tx.execute({
        sql: "UPDATE levels SET reserved = reserved + ? WHERE spirit_id = ?",
        args: [item.quantity, item.spiritId],
      });
      const id = `hold_${crypto.randomUUID()}`;
      await tx.execute({
        sql: "INSERT INTO holds (id, spirit_id, customer_id, quantity, created_at) VALUES (?, ?, ?, ?, ?)",
        args: [id, item.spiritId, customerId, item.quantity, new Date().toISOString()],
      });
      await tx.commit();
      return json({ id, status: "reserved" }, 201);
    } catch (err) {
      if (!tx.closed) await tx.rollback();
      return json({ status: 500, detail: String(err) }, 500);
    } finally {
      tx.close();
    }
  });
}

const server = Bun.serve({
  port: Number(env.PORT ?? 0),
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    if (req.method === "POST" && url.pathname === "/api/v1/orders") return placeOrder(req);
    if (req.method === "GET" && url.pathname === "/healthz") return json({ status: "ok" }, 200);
    const level = /^\/levels\/([\w-]+)$/.exec(url.pathname);
    if (level && req.method === "PUT") {
      const { onHand } = (await req.json()) as { onHand: number };
      await client.execute({
        sql: "INSERT INTO levels (spirit_id, on_hand, reserved) VALUES (?, ?, 0)",
        args: [level[1]!, onHand],
      });
      return json({ spiritId: level[1], onHand }, 201);
    }
    if (level && req.method === "GET") {
      const [row, holds] = await client.batch(
        [
          { sql: "SELECT on_hand, reserved FROM levels WHERE spirit_id = ?", args: [level[1]!] },
          {
            sql: "SELECT count(*) AS n, coalesce(sum(quantity), 0) AS bottles FROM holds WHERE spirit_id = ?",
            args: [level[1]!],
          },
        ],
        "read",
      );
      return json(
        {
          onHand: Number(row!.rows[0]?.on_hand ?? 0),
          reserved: Number(row!.rows[0]?.reserved ?? 0),
          holds: Number(holds!.rows[0]?.n ?? 0),
          heldBottles: Number(holds!.rows[0]?.bottles ?? 0),
        },
        200,
      );
    }
    return json({ status: 404 }, 404);
  },
});

console.log(`baseline listening on ${server.port}`);
process.on("SIGTERM", () => {
  server.stop(true);
  client.close();
  process.exit(0);
});
