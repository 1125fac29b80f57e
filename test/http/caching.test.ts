/**
 * HTTP caching of public reads (src/http/http-cache.ts) and the in-process hot reads behind them
 * (READ_CACHE_MS, on by default on Bun): ETag, 304, Cache-Control, Vary, private answers, and a changed
 * tag with a fresh body after every kind of write that changes a read (a stale read after a write is a bug).
 *
 * Each write test reads first (so the hot caches hold the old answer), writes, then reads again: the tag
 * must change, the old tag must no longer give a 304, and the body must show the write.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { openShop, type Shop } from "../orders/shop.ts";
import { describeTargets, type Target } from "../support/targets.ts";
import { createTestApp, TestClock } from "../support/test-app.ts";

const GOOD = "Peat smoke and iodine up front, then smoked pear and sea salt. A long, drying finish.";

type Read = { status: number; etag: string | null; headers: Headers; body: Record<string, unknown> };

type Caller = {
  call(
    method: string,
    path: string,
    init?: { headers?: Record<string, string> },
  ): Response | Promise<Response>;
};

async function read(t: Caller, path: string, headers: Record<string, string> = {}) {
  const res = await t.call("GET", path, { headers });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get("ETag"),
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  } satisfies Read;
}

/**
 * The suite, run on both targets, and once more on Bun through the Bun server's front cache
 * (src/http/front-cache.ts): every write below must drop its stored answers too.
 */
function cachingSuite(t: Target) {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(t);
  });

  /** Reads, runs the write, reads again: the tag moved, the old one is no longer current; the new read. */
  async function changedBy(
    path: string,
    write: () => Promise<unknown>,
    headers: Record<string, string> = {},
  ) {
    const before = await read(t, path, headers);
    expect(before.status).toBe(200);
    // Read twice: the second answer comes from whatever the first one left in memory.
    expect((await read(t, path, headers)).etag).toBe(before.etag);
    await write();
    const after = await read(t, path, headers);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
    const revalidated = await t.call("GET", path, {
      headers: { ...headers, "If-None-Match": before.etag! },
    });
    expect(revalidated.status).toBe(200);
    return { before: before.body, after: after.body };
  }

  describe("ETag and 304", () => {
    test("a strong tag that stays the same while the spirit does; If-None-Match gives 304 with no body", async () => {
      const id = await shop.spirit();
      const path = `/api/v1/spirits/${id}`;
      const first = await read(t, path);
      expect(first.etag).toMatch(/^"[0-9a-z]+-[0-9a-f]{16}"$/);
      expect((await read(t, path)).etag).toBe(first.etag);

      const notModified = await t.call("GET", path, { headers: { "If-None-Match": first.etag! } });
      expect(notModified.status).toBe(304);
      expect(await notModified.text()).toBe("");
      expect(notModified.headers.get("ETag")).toBe(first.etag);
      expect(notModified.headers.get("Cache-Control")).toBe(first.headers.get("Cache-Control"));
      expect(notModified.headers.get("Vary")).toBe("Authorization, Accept-Encoding");
      expect(notModified.headers.get("Content-Type")).toBeNull();

      // Weak comparison (RFC 9110): W/ matches; any of a list matches; * matches; another tag does not.
      for (const inm of [`W/${first.etag}`, `"other", ${first.etag}`, "*"]) {
        expect((await t.call("GET", path, { headers: { "If-None-Match": inm } })).status).toBe(304);
      }
      const other = await t.call("GET", path, { headers: { "If-None-Match": '"not-it"' } });
      expect(other.status).toBe(200);
      expect(((await other.json()) as { id: string }).id).toBe(id);
    });

    test("errors carry no tag and no caching headers; a 404 stays a 404 whatever the If-None-Match", async () => {
      const res = await t.call("GET", "/api/v1/spirits/spr_nope", { headers: { "If-None-Match": "*" } });
      expect(res.status).toBe(404);
      expect(res.headers.get("ETag")).toBeNull();
      expect(res.headers.get("Cache-Control")).toBeNull();
    });

    test("every cached read answers with a tag and a 304 for it", async () => {
      const id = await shop.spirit();
      const batch = await shop.batch(id);
      const customer = await shop.customer();
      const review = await t.call("POST", `/api/v1/spirits/${id}/reviews`, {
        headers: customer.headers,
        body: { rating: 4, body: GOOD },
      });
      const reviewId = ((await review.json()) as { id: string }).id;
      for (const path of [
        `/api/v1/spirits/${id}`,
        "/api/v1/spirits?limit=20",
        "/api/v1/spirits?q=malt&limit=5",
        `/api/v1/spirits/${id}/batches`,
        `/api/v1/spirits/${id}/batches/${batch}`,
        `/api/v1/spirits/${id}/reviews`,
        `/api/v1/spirits/${id}/reviews/${reviewId}`,
        `/api/v1/inventory/${id}`,
      ]) {
        const first = await read(t, path);
        expect([path, first.status, Boolean(first.etag)]).toEqual([path, 200, true]);
        const again = await t.call("GET", path, { headers: { "If-None-Match": first.etag! } });
        expect([path, again.status]).toEqual([path, 304]);
      }
    });
  });

  test("the document shows If-None-Match, the caching headers and the 304 on the cached reads", async () => {
    const doc = (await (await t.call("GET", "/api/v1/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string }[];
            responses: Record<string, { headers?: Record<string, unknown> }>;
          }
        >
      >;
    };
    for (const [path, method] of [
      ["/api/v1/spirits/{id}", "get"],
      ["/api/v1/spirits", "get"],
      ["/api/v1/spirits/{id}/reviews", "get"],
      ["/api/v1/inventory/{spiritId}", "get"],
    ] as const) {
      const op = doc.paths[path]![method]!;
      expect([path, op.parameters?.some((p) => p.name === "If-None-Match")]).toEqual([path, true]);
      expect(Object.keys(op.responses["200"]!.headers ?? {})).toEqual(
        expect.arrayContaining(["ETag", "Cache-Control", "Vary"]),
      );
      expect(op.responses["304"]).toBeDefined();
    }
    expect(doc.paths["/api/v1/spirits/{id}"]!.put!.responses["304"]).toBeUndefined();
  });

  describe("Cache-Control and Vary", () => {
    test("public catalog reads: short max-age with stale-while-revalidate; stock: short, never stale", async () => {
      const id = await shop.spirit();
      for (const path of [
        `/api/v1/spirits/${id}`,
        "/api/v1/spirits?limit=20",
        `/api/v1/spirits/${id}/reviews`,
      ]) {
        const res = await read(t, path);
        expect([path, res.headers.get("Cache-Control")]).toEqual([
          path,
          "public, max-age=10, stale-while-revalidate=30",
        ]);
        expect(res.headers.get("Vary")).toBe("Authorization, Accept-Encoding");
      }
      const stock = await read(t, `/api/v1/inventory/${id}`);
      expect(stock.headers.get("Cache-Control")).toBe("public, max-age=1, must-revalidate");
      expect(stock.headers.get("Vary")).toBe("Authorization, Accept-Encoding");
    });

    test("signed-in callers get private answers; staff's stock view has its own tag", async () => {
      const id = await shop.spirit();
      await shop.receive(id, 4, shop.loc("edinburgh"));
      const customer = await shop.customer();
      const anonymous = await read(t, `/api/v1/inventory/${id}`);
      const asCustomer = await read(t, `/api/v1/inventory/${id}`, customer.headers);
      const asStaff = await read(t, `/api/v1/inventory/${id}`, shop.staff.headers);
      expect(asCustomer.headers.get("Cache-Control")).toBe("private, no-cache");
      expect(asStaff.headers.get("Cache-Control")).toBe("private, no-cache");
      expect(asStaff.headers.get("Vary")).toBe("Authorization, Accept-Encoding");
      expect(asStaff.body.levels).toBeDefined();
      expect(anonymous.body.levels).toBeUndefined();
      expect(asStaff.etag).not.toBe(anonymous.etag);
      // The staff's tag is not the public answer's: a public request with it gets the whole public answer.
      const crossed = await t.call("GET", `/api/v1/inventory/${id}`, {
        headers: { "If-None-Match": asStaff.etag! },
      });
      expect(crossed.status).toBe(200);
      const spirit = await read(t, `/api/v1/spirits/${id}`, customer.headers);
      expect(spirit.headers.get("Cache-Control")).toBe("private, no-cache");
    });

    test("CORS's Vary: Origin is kept beside ours", async () => {
      const id = await shop.spirit();
      const res = await t.call("GET", `/api/v1/spirits/${id}`, {
        headers: { Origin: "https://elsewhere.example" },
      });
      const vary = res.headers.get("Vary") ?? "";
      expect(vary).toContain("Authorization");
      expect(vary).toContain("Accept-Encoding");
    });
  });

  describe("a write changes the tag and the answer at once", () => {
    test("catalog: replace, patch, archive; a new batch; a new spirit in the list", async () => {
      const id = await shop.spirit({ name: "Before" });
      const path = `/api/v1/spirits/${id}`;
      const patched = await changedBy(path, () =>
        t.call("PATCH", path, {
          headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
          body: { name: "After patch" },
        }),
      );
      expect(patched.after.name).toBe("After patch");

      const current = (await read(t, path)).body;
      const { id: _id, rating: _r, createdAt: _c, updatedAt: _u, ...writable } = current;
      const replaced = await changedBy(path, () =>
        t.call("PUT", path, { headers: shop.staff.headers, body: { ...writable, name: "After replace" } }),
      );
      expect(replaced.after.name).toBe("After replace");

      const batches = await changedBy(`${path}/batches`, () => shop.batch(id));
      expect((batches.after.items as unknown[]).length).toBe(1);

      const listed = await changedBy("/api/v1/spirits?limit=20", () => shop.spirit({ name: "Newest" }));
      expect((listed.after.items as { name: string }[]).map((s) => s.name)).toContain("Newest");

      // Referred to by its batch, so DELETE archives it.
      const archived = await changedBy(path, () => t.call("DELETE", path, { headers: shop.staff.headers }));
      expect(archived.after.status).toBe("archived");
    });

    test("reviews: a post, an edit, a moderation and a delete move the spirit's rating and the lists", async () => {
      const id = await shop.spirit();
      const path = `/api/v1/spirits/${id}`;
      const customer = await shop.customer();
      let reviewId = "";
      const posted = await changedBy(path, async () => {
        const res = await t.call("POST", `${path}/reviews`, {
          headers: customer.headers,
          body: { rating: 4, body: GOOD },
        });
        reviewId = ((await res.json()) as { id: string }).id;
      });
      expect(posted.after.rating).toEqual({ average: 4, count: 1 });

      const edited = await changedBy(path, () =>
        t.call("PUT", `${path}/reviews/${reviewId}`, {
          headers: customer.headers,
          body: { rating: 2, body: GOOD },
        }),
      );
      expect(edited.after.rating).toEqual({ average: 2, count: 1 });

      const rejected = await changedBy(`${path}/reviews`, () =>
        t.call("POST", `${path}/reviews/${reviewId}/moderation`, {
          headers: shop.staff.headers,
          body: { decision: "reject" },
        }),
      );
      expect(rejected.after.items).toEqual([]);
      expect((await read(t, path)).body.rating).toEqual({ average: null, count: 0 });

      await t.call("POST", `${path}/reviews/${reviewId}/moderation`, {
        headers: shop.staff.headers,
        body: { decision: "approve" },
      });
      expect((await read(t, path)).body.rating).toEqual({ average: 2, count: 1 });
      const deleted = await changedBy(path, () =>
        t.call("DELETE", `${path}/reviews/${reviewId}`, { headers: customer.headers }),
      );
      expect(deleted.after.rating).toEqual({ average: null, count: 0 });
    });

    test("stock: receipt, adjustment, transfer, count, hold, cancellation, confirmation and shipment", async () => {
      const id = await shop.spirit();
      const path = `/api/v1/inventory/${id}`;
      const available = (body: Record<string, unknown>) => body.available;
      expect(
        available((await changedBy(path, () => shop.receive(id, 10, shop.loc("edinburgh")))).after),
      ).toBe(10);
      const adjusted = await changedBy(path, () =>
        shop.change(id, { type: "adjust", locationId: shop.loc("edinburgh"), delta: -1, reason: "broken" }),
      );
      expect(available(adjusted.after)).toBe(9);
      const moved = await changedBy(path, () =>
        shop.change(id, {
          type: "transfer",
          fromLocationId: shop.loc("edinburgh"),
          toLocationId: shop.loc("a"),
          quantity: 2,
        }),
      );
      expect((moved.after.byLocation as { available: number }[]).map((l) => l.available).sort()).toEqual([
        2, 7,
      ]);
      const counted = await changedBy(path, () =>
        shop.change(id, { type: "count", locationId: shop.loc("a"), counted: 3 }),
      );
      expect(available(counted.after)).toBe(10);

      const customer = await shop.customer();
      let orderId = "";
      const held = await changedBy(path, async () => {
        const res = await shop.order(customer, [{ spiritId: id, quantity: 2 }]);
        expect(res.status).toBe(201);
        orderId = ((await res.json()) as { id: string }).id;
      });
      expect(available(held.after)).toBe(8);
      const cancelled = await changedBy(path, () => shop.act(customer, orderId, "cancel"));
      expect(available(cancelled.after)).toBe(10);

      const second = await shop.order(customer, [{ spiritId: id, quantity: 3 }]);
      const secondId = ((await second.json()) as { id: string }).id;
      // Confirming changes no figure (the bottles stay reserved): the staff's view is the same.
      const staffView = await read(t, path, shop.staff.headers);
      expect((await shop.act(shop.staff, secondId, "confirm")).status).toBe(200);
      expect((await read(t, path, shop.staff.headers)).body).toEqual(staffView.body);
      const shipped = await changedBy(
        path,
        async () => expect((await shop.act(shop.staff, secondId, "ship")).status).toBe(200),
        shop.staff.headers,
      );
      const onHand = (shipped.after.levels as { onHand: number }[]).reduce((n, l) => n + l.onHand, 0);
      expect(onHand).toBe(7);
    });

    test("stock view: a location's new name and the spirit's new status show at once", async () => {
      const id = await shop.spirit();
      await shop.receive(id, 1, shop.loc("b"));
      const path = `/api/v1/inventory/${id}`;
      const located = await read(t, `/api/v1/locations/${shop.loc("b")}`, shop.staff.headers);
      const { id: _l, createdAt: _c, updatedAt: _u, ...location } = located.body;
      const renamed = await changedBy(path, () =>
        t.call("PUT", `/api/v1/locations/${shop.loc("b")}`, {
          headers: shop.staff.headers,
          body: { ...location, name: "Store B (renamed)" },
        }),
      );
      expect((renamed.after.byLocation as { locationName: string }[])[0]!.locationName).toBe(
        "Store B (renamed)",
      );
      const announced = await changedBy(path, () =>
        t.call("PATCH", `/api/v1/spirits/${id}`, {
          headers: { ...shop.staff.headers, "Content-Type": "application/merge-patch+json" },
          body: { status: "announced" },
        }),
      );
      expect(announced.after.status).toBe("announced");
    });
  });
}

describeTargets("HTTP caching", cachingSuite);
describeTargets("HTTP caching, front cache", cachingSuite, { targets: ["bun"], frontCache: true });

// Moving the clock (holds lapsing) and configuration: the in-process app only.
describe("HTTP caching [bun]", () => {
  test("a hold that lapses shows as released at once, before the reaper and after it", async () => {
    const clock = new TestClock();
    const t = await createTestApp({ clock });
    try {
      const shop = await openShop(t);
      const id = await shop.spirit({ holdMinutes: 5 });
      await shop.receive(id, 4, shop.loc("edinburgh"));
      const customer = await shop.customer();
      expect((await shop.order(customer, [{ spiritId: id, quantity: 3 }])).status).toBe(201);
      const path = `/api/v1/inventory/${id}`;
      const held = await read(t, path);
      expect(held.body.available).toBe(1);
      expect((await read(t, path)).etag).toBe(held.etag);
      clock.advance(6 * 60_000);
      const lapsed = await read(t, path);
      expect(lapsed.body.available).toBe(4);
      expect(lapsed.etag).not.toBe(held.etag);
      await t.services.orders.expireDue();
      expect((await read(t, path)).body.available).toBe(4);
    } finally {
      t.close();
    }
  });

  for (const frontCache of [false, true]) {
    test(`erasing a reviewer recounts the rating, and the spirit shows it at once${frontCache ? " (front cache)" : ""}`, async () => {
      const t = await createTestApp({ frontCache });
      try {
        const shop = await openShop(t);
        const admin = await t.signIn("admin");
        const id = await shop.spirit();
        const customer = await shop.customer();
        await t.call("POST", `/api/v1/spirits/${id}/reviews`, {
          headers: customer.headers,
          body: { rating: 5, body: GOOD },
        });
        const before = await read(t, `/api/v1/spirits/${id}`);
        expect(before.body.rating).toEqual({ average: 5, count: 1 });
        const erased = await t.call("POST", `/api/v1/customers/${customer.id}/erase`, {
          headers: admin.headers,
          body: { confirm: customer.id },
        });
        expect(erased.status).toBe(200);
        const after = await read(t, `/api/v1/spirits/${id}`);
        expect(after.body.rating).toEqual({ average: null, count: 0 });
        expect(after.etag).not.toBe(before.etag);
      } finally {
        t.close();
      }
    });
  }

  test("max-ages come from the configuration; 0 sends no-cache", async () => {
    const t = await createTestApp({
      env: {
        HTTP_CACHE_MAX_AGE: "60",
        HTTP_CACHE_STALE_WHILE_REVALIDATE: "0",
        HTTP_CACHE_STOCK_MAX_AGE: "0",
      },
    });
    try {
      const shop = await openShop(t);
      const id = await shop.spirit();
      expect((await read(t, `/api/v1/spirits/${id}`)).headers.get("Cache-Control")).toBe(
        "public, max-age=60, must-revalidate",
      );
      expect((await read(t, `/api/v1/inventory/${id}`)).headers.get("Cache-Control")).toBe(
        "public, no-cache",
      );
    } finally {
      t.close();
    }
  });

  test("with READ_CACHE_MS=0 reads still tag and revalidate", async () => {
    const t = await createTestApp({ env: { READ_CACHE_MS: "0" } });
    try {
      const shop = await openShop(t);
      const id = await shop.spirit();
      const first = await read(t, `/api/v1/spirits/${id}`);
      const again = await t.call("GET", `/api/v1/spirits/${id}`, {
        headers: { "If-None-Match": first.etag! },
      });
      expect(again.status).toBe(304);
    } finally {
      t.close();
    }
  });
});
