/**
 * A process of its own for test/db/wal-checkpoint.test.ts: opens two embedded files with background
 * checkpoints, writes to both, then closes them (`close`) or leaves them open (`leave`), and prints what
 * the checkpoint piece reports. It never calls process.exit: the test checks that the process ends by itself.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ledgerPortFor } from "../../src/db/ledger-port.ts";
import { backgroundCheckpointsOf, openLocalDatabase } from "../../src/db/local.ts";
import { checkpointThreadsRunning } from "../../src/db/wal-checkpointer.ts";

const how = process.argv[2] === "leave" ? "leave" : "close";
const dir = mkdtempSync(join(tmpdir(), "angelshare-walproc-"));
const handles = await Promise.all(
  ["a.db", "b.db"].map((name) => openLocalDatabase(`file:${join(dir, name)}`)),
);
for (const { client } of handles) {
  await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
  const port = ledgerPortFor(client);
  for (let i = 0; i < 300; i++)
    await port.batch([{ sql: "INSERT INTO t (body) VALUES (zeroblob(8192))", args: [] }], "write");
}
const registered = handles.filter(({ client }) => backgroundCheckpointsOf(client)).length;
const threadsWhileOpen = checkpointThreadsRunning();
if (how === "close") for (const { client } of handles) client.close();
// The thread answers the last close, and is then stopped.
const deadline = Date.now() + 3000;
while (how === "close" && checkpointThreadsRunning() > 0 && Date.now() < deadline)
  await new Promise((resolve) => setTimeout(resolve, 5));
console.log(JSON.stringify({ registered, threadsWhileOpen, threadsAfter: checkpointThreadsRunning() }));
