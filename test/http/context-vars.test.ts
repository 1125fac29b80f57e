import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// Hono's `c.var` builds a new object of every context variable on each access (Object.fromEntries of its
// map): with the ~20 accesses a request makes, about 5% of the app's CPU for an order in a drop
// (bun --cpu-prof of bench/flash-sale-echo-app.ts under wrk). `c.get("deps")` reads the one entry.
test("the app reads context variables with c.get(), never through c.var", () => {
  const root = join(import.meta.dir, "../..");
  const offenders: string[] = [];
  for (const file of new Bun.Glob("src/**/*.ts").scanSync(root)) {
    readFileSync(join(root, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (/\b\w+\.var\b(?!\w)/.test(line) && !line.trimStart().startsWith("*"))
          offenders.push(`${file}:${i + 1}`);
      });
  }
  expect(offenders).toEqual([]);
});
