/** `npm run import`: the CLI against a real server (Bun.serve over a test app), as a shop would run it. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kindOf } from "../../src/cli/csv-import-client.ts";
import { describeTargets } from "../support/targets.ts";

const dir = mkdtempSync(join(tmpdir(), "angelshare-import-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPIRITS = [
  "id,name,brand,distillery,type,country,abv,bottleSizeMl,priceMinor,currency",
  ",CLI Malt,Test,Test Distillery,scotch,GB,46,700,12000,GBP",
  ",CLI Rum,Test,Test Distillery,rum,JM,40,700,4000,GBP",
].join("\n");

async function cli(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn(["bun", "src/cli/import.ts", ...args], {
    cwd: join(import.meta.dir, "../.."),
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  return { code, stderr };
}

describeTargets(
  "npm run import",
  (t) => {
    let url: string;
    let token: string;
    beforeAll(async () => {
      url = await t.baseUrl();
      token = (await t.signIn("staff")).token;
    });

    test("a dry run, then the import, each with a progress bar and the counts", async () => {
      const file = join(dir, "spirits.csv");
      writeFileSync(file, SPIRITS);
      const dry = await cli([file, "--dry-run", "--url", url, "--token", token]);
      expect(dry.stderr).toContain("upload");
      expect(dry.stderr).toContain("100%");
      expect(dry.stderr).toContain(
        "spirits (dry run, nothing changed): would be 2 created, 0 updated, 0 unchanged",
      );
      expect(dry.code).toBe(0);
      const done = await cli([file, "--url", url], { ANGELSHARE_TOKEN: token });
      expect(done.stderr).toContain("spirits: 2 created, 0 updated, 0 unchanged");
      expect(done.code).toBe(0);
    });

    test("a refused file prints every row's problem and exits 1", async () => {
      const file = join(dir, "bad.csv");
      writeFileSync(file, `${SPIRITS}\n,Bad,Test,Test Distillery,wine,GB,abc,700,1,GBP\n`);
      const res = await cli([file, "--kind", "spirits", "--url", url, "--token", token]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("422: The file has 2 problems on 1 line; nothing was imported.");
      expect(res.stderr).toContain("line 4, type: must be one of");
      expect(res.stderr).toContain("line 4, abv: must be a number");
    });

    test("bad arguments exit 2 with the usage", async () => {
      const res = await cli(["--kind", "wine", "x.csv", "--token", "t"]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain("--kind must be spirits or stock");
      expect(res.stderr).toContain("usage: npm run import");
    });
  },
  { targets: ["bun"] },
);

test("the kind is read from the header: stock files have onHand", () => {
  expect(kindOf("\ufeffspiritId,locationId,onHand\n")).toBe("stock");
  expect(kindOf('"id","name"\r\n')).toBe("spirits");
});
