/**
 * A client generated from the live OpenAPI document is correct by construction: openapi-typescript makes
 * types from what a real server publishes, tsc checks a small openapi-fetch program against them (and
 * that the types reject mistakes), and the same program then creates a spirit as staff and reads it back
 * over a real socket.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { createTestApp, type TestApp } from "../support/test-app.ts";

const ROOT = resolve(import.meta.dir, "../..");

/** The client program: typed by the generated `paths`, run as-is after tsc accepts it. */
const CLIENT = `import createClient from "openapi-fetch";
import type { components, paths } from "./api.ts";

type SpiritInput = components["schemas"]["SpiritInput"];
type Spirit = components["schemas"]["Spirit"];

export const input: SpiritInput = {
  name: "Generated Client 18 Year Old",
  brand: "Typed Spirits",
  distillery: "Typed Spirits Distillery",
  type: "scotch",
  country: "GB",
  region: "Islay",
  ageYears: 18,
  abv: 48.2,
  bottleSizeMl: 700,
  price: { amountMinor: 12900, currency: "GBP" },
  tastingNotes: { nose: "Peat smoke", palate: "Brine", finish: "Long" },
  flavourProfile: { smoky: 4, sweetness: 1 },
  limitedEdition: true,
  totalOutturn: 1200,
  tags: ["islay", "peated"],
};

export async function createAndRead(baseUrl: string, token: string) {
  const client = createClient<paths>({ baseUrl });
  const created = await client.POST("/api/v1/spirits", {
    body: input,
    headers: { Authorization: \`Bearer \${token}\` },
  });
  if (!created.data) {
    throw new Error(\`create answered \${created.response.status}: \${JSON.stringify(created.error)}\`);
  }
  const id: string = created.data.id;
  const read = await client.GET("/api/v1/spirits/{id}", { params: { path: { id } } });
  if (!read.data) throw new Error(\`read answered \${read.response.status}\`);
  const spirit: Spirit = read.data;

  // Errors are typed too: a problem document with a title and a status.
  const missing = await client.GET("/api/v1/spirits/{id}", { params: { path: { id: "spr_does_not_exist" } } });
  const problem: { title: string; status: number } | undefined = missing.error;

  const anonymous = await client.POST("/api/v1/spirits", { body: input });

  // Multi-value filters are typed arrays and flags booleans. openapi-fetch repeats an array parameter by
  // default; the comma-separated form the document declares (style form, explode false) works the same.
  const query = { type: ["scotch" as const], facets: ["type" as const, "region" as const], limited: true };
  const repeated = await client.GET("/api/v1/spirits", { params: { query } });
  const commas = await createClient<paths>({
    baseUrl,
    querySerializer: { array: { style: "form", explode: false } },
  }).GET("/api/v1/spirits", { params: { query } });
  return {
    created: created.data,
    createdStatus: created.response.status,
    location: created.response.headers.get("Location"),
    read: spirit,
    missing: { status: missing.response.status, problem },
    anonymousStatus: anonymous.response.status,
    searches: [repeated, commas].map((r) => ({
      url: r.response.url,
      status: r.response.status,
      ids: r.data?.items.map((s) => s.id),
      typeFacet: r.data?.facets?.type,
    })),
  };
}

// The generated types refuse mistakes: each call below must fail to compile, or tsc reports its
// expect-error directive as unused and the test fails.
export function mistakes(client: ReturnType<typeof createClient<paths>>) {
  // @ts-expect-error abv is a number, not a string
  client.POST("/api/v1/spirits", { body: { ...input, abv: "48%" } });
  // @ts-expect-error there is no such path
  client.GET("/api/v1/spirit");
  // @ts-expect-error the spirit id is required
  client.GET("/api/v1/spirits/{id}", { params: { path: {} } });
  // @ts-expect-error the price needs a currency
  client.POST("/api/v1/spirits", { body: { ...input, price: { amountMinor: 100 } } });
  // @ts-expect-error "regoin" is not a facet name
  client.GET("/api/v1/spirits", { params: { query: { facets: ["regoin"] } } });
  // @ts-expect-error a multi-value filter is a list, not one comma-joined string
  client.GET("/api/v1/spirits", { params: { query: { type: "scotch,irish" } } });
  // @ts-expect-error a flag is a boolean
  client.GET("/api/v1/spirits", { params: { query: { inStock: "yes" } } });
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
  },
  files: ["client.ts"],
};

let t: TestApp;
let server: ReturnType<typeof Bun.serve>;
let dir: string;

beforeAll(async () => {
  t = await createTestApp();
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => t.app.fetch(req, srv) });
  dir = mkdtempSync(join(tmpdir(), "angelshare-client-"));
  // The program resolves openapi-fetch (and tsc its types) from the project's own node_modules.
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
});

afterAll(() => {
  server?.stop(true);
  t?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a client generated from the live document type-checks and creates and reads a spirit", async () => {
  const base = `http://127.0.0.1:${server.port}`;
  const ast = await openapiTS(new URL(`${base}/api/v1/openapi.json`));
  await Bun.write(join(dir, "api.ts"), astToString(ast));
  await Bun.write(join(dir, "client.ts"), CLIENT);
  await Bun.write(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));

  const tsc = Bun.spawnSync([join(ROOT, "node_modules/.bin/tsc"), "-p", join(dir, "tsconfig.json")], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  const diagnostics = `${tsc.stdout.toString()}${tsc.stderr.toString()}`.trim();
  expect(diagnostics).toBe("");
  expect(tsc.exitCode).toBe(0);

  const staff = await t.signIn("staff");
  const client = await import(join(dir, "client.ts"));
  const result = await client.createAndRead(base, staff.token);

  expect(result.createdStatus).toBe(201);
  expect(result.created.id).toBeString();
  expect(result.location).toEndWith(`/api/v1/spirits/${result.created.id}`);
  expect(result.read).toEqual(result.created);
  expect(result.read).toMatchObject({
    name: client.input.name,
    abv: 48.2,
    price: { amountMinor: 12900, currency: "GBP" },
    limitedEdition: true,
    totalOutturn: 1200,
  });
  expect(result.missing.status).toBe(404);
  expect(result.missing.problem).toMatchObject({ status: 404, title: "Not found" });
  expect(result.anonymousStatus).toBe(401);
  const [repeated, commas] = result.searches;
  expect(repeated.url).toContain("facets=type&facets=region");
  expect(commas.url).toContain("facets=type,region");
  for (const search of result.searches) {
    expect(search.status).toBe(200);
    expect(search.ids).toEqual([result.created.id]);
    expect(search.typeFacet).toContainEqual({ value: "scotch", count: 1 });
  }
}, 120_000);
