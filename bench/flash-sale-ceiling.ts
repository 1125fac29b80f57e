/**
 * The ceiling of bench/flash-sale.ts: a Bun.serve handler that reads the order and answers "sold out" at
 * once, with no token check and no database. Whatever it reaches is the most any server can show with
 * this load generator on this machine: the real server's figures are read against it.
 *
 * Started by the bench as a child process: `bun bench/flash-sale-ceiling.ts` with PORT in the environment.
 */
const soldOut = JSON.stringify({ type: "https://angelshare.dev/problems/sold-out", status: 409 });

const server = Bun.serve({
  port: Number(process.env.PORT ?? 0),
  hostname: "127.0.0.1",
  async fetch(req) {
    if (req.method === "GET") return Response.json({ status: "ok" });
    await req.text();
    return new Response(soldOut, { status: 409, headers: { "Content-Type": "application/problem+json" } });
  },
});

console.log(`ceiling listening on ${server.port}`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
