/** `outboxInsertIfChanged`: inside one batch, the event is written exactly when its guarded statement changed a row. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { outboxInsertIfChanged } from "../../src/modules/events/outbox.ts";
import { createTestApp, type TestApp } from "../support/test-app.ts";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await app.deps.client.execute(
    "CREATE TABLE scratch (id TEXT PRIMARY KEY, done INTEGER NOT NULL DEFAULT 0)",
  );
  await app.deps.client.execute("INSERT INTO scratch (id) VALUES ('a'), ('b')");
});
afterAll(() => app.close());

const eventsAbout = async (subject: string) =>
  Number(
    (
      await app.deps.client.execute({
        sql: "SELECT COUNT(*) AS n FROM outbox_events WHERE subject = ?",
        args: [subject],
      })
    ).rows[0]!.n,
  );

const event = (subject: string) =>
  outboxInsertIfChanged(
    app.deps.db,
    "release.closed",
    subject,
    { releaseId: subject, spiritId: "spr_x" },
    app.deps.clock.now().toISOString(),
  );

test("once after the guarded update that made the change; never after one whose guard failed", async () => {
  const { db } = app.deps;
  const flip = (id: string, returning = "") =>
    db.run(sql.raw(`UPDATE scratch SET done = 1 WHERE id = '${id}' AND done = 0 ${returning}`));
  await db.batch([flip("a"), event("rel_a")]);
  await db.batch([flip("a"), event("rel_a")]);
  expect(await eventsAbout("rel_a")).toBe(1);
  await db.batch([flip("b", "RETURNING id"), event("rel_b")]);
  await db.batch([flip("b", "RETURNING id"), event("rel_b")]);
  expect(await eventsAbout("rel_b")).toBe(1);
  await db.batch([flip("nobody"), event("rel_none")]);
  expect(await eventsAbout("rel_none")).toBe(0);
});
