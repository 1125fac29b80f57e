import { expect } from "bun:test";
import { SpiritSchema } from "../../src/modules/catalog/catalog.schemas.ts";
import type { TestApp } from "../support/test-app.ts";

/** A complete, valid spirit body; tests change one thing at a time. */
export function spiritBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Test Distillery 12 Year Old",
    brand: "Test Distillery",
    distillery: "Test Distillery Ltd",
    type: "scotch",
    country: "GB",
    region: "Speyside",
    vintage: 2010,
    ageYears: 12,
    abv: 46,
    caskType: "Bourbon barrels",
    bottleSizeMl: 700,
    description: "A test spirit.",
    tastingNotes: { nose: "Honey", palate: "Malt", finish: "Short" },
    flavourProfile: { body: 2, sweetness: 3, fruity: 2 },
    awards: [{ name: "Test Awards", year: 2024, medal: "silver" }],
    price: { amountMinor: 4500, currency: "GBP" },
    releaseDate: "2023-05-01",
    status: "available",
    limitedEdition: false,
    tags: ["speyside", "single-malt"],
    media: [{ url: "https://cdn.example.com/t.jpg", kind: "image", alt: "A bottle" }],
    attributes: { "chill-filtered": false, bottler: "distillery", "cask-count": 3 },
    maxPerCustomer: 6,
    holdMinutes: 15,
    preorderAllocation: 0,
    ...overrides,
  };
}

/** A minimal valid body: only the required fields. */
export function minimalSpiritBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Minimal Gin",
    brand: "Minimal",
    distillery: "Minimal Distillery",
    type: "gin",
    country: "DE",
    abv: 40,
    bottleSizeMl: 500,
    price: { amountMinor: 2900, currency: "EUR" },
    ...overrides,
  };
}

export type Staff = { headers: Record<string, string> };

/** Creates a spirit through the API as staff and returns it, checked against the route's own schema. */
export async function createSpirit(
  t: Pick<TestApp, "call">,
  staff: Staff,
  body: Record<string, unknown> = spiritBody(),
) {
  const res = await t.call("POST", "/api/v1/spirits", { headers: staff.headers, body });
  expect(res.status).toBe(201);
  return SpiritSchema.parse(await res.json());
}

/** The `{ path, message }` list of a 422, checked to be problem+json. */
export async function validationErrors(res: Response): Promise<{ path: string; message: string }[]> {
  expect(res.status).toBe(422);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = (await res.json()) as { errors: { path: string; message: string }[] };
  expect(Array.isArray(body.errors)).toBe(true);
  return body.errors;
}

export const paths = (errors: { path: string }[]) => errors.map((e) => e.path);
