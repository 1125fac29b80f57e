import { z } from "@hono/zod-openapi";
import { isSubdivisionCode, subdivisionOf } from "./destinations.ts";
import { isCountryCode } from "./iso-codes.ts";
import { must } from "./schema-messages.ts";

/**
 * The region of an address or a customer profile: an ISO 3166-2 subdivision, written whole (`GB-SCT`) or
 * as its suffix (`SCT`) beside the country. Orders, ballot entries and profiles share this one schema and
 * this one check, so a region that places an order is one a profile accepts, and the other way round.
 */
const EXPECTED = "an ISO 3166-2 subdivision code such as GB-SCT (Scotland) or US-KY (Kentucky), not a name";

export const RegionCodeSchema = z
  .string(must(EXPECTED))
  .trim()
  .toUpperCase()
  .regex(/^(?:[A-Z]{2}-)?[A-Z0-9]{1,3}$/, `must be ${EXPECTED}`)
  .openapi({
    example: "GB-SCT",
    description: "ISO 3166-2 subdivision of the country (`GB-SCT`, or just `SCT`); some rules depend on it.",
  });

/** The full ISO 3166-2 code of `region` (`GB` + `SCT` → `GB-SCT`), or what is wrong with it. */
export function regionCodeIn(
  country: string | null | undefined,
  region: string,
): { code: string; problem?: undefined } | { code?: undefined; problem: string } {
  if (!country) {
    const code = region.trim().toUpperCase();
    return isSubdivisionCode(code)
      ? { code }
      : { problem: "must be a whole ISO 3166-2 code such as GB-SCT when no country is given" };
  }
  const code = subdivisionOf({ country, region });
  if (code && isSubdivisionCode(code) && code.startsWith(`${country.toUpperCase()}-`)) return { code };
  return { problem: `must be an ISO 3166-2 subdivision of ${country} (${country}-XXX, or XXX alone)` };
}

type Place = { country?: unknown; region?: unknown };

/**
 * For an object schema with `country` and `region`: the region must lie in the country. It runs even when
 * other fields failed (so every problem is in one answer), and only when the country itself is valid (so
 * one mistake gives one error).
 */
export const regionInCountry = z.superRefine<Place>(
  (v, ctx) => {
    if (typeof v.region !== "string") return;
    const country = typeof v.country === "string" ? v.country : null;
    if (country && !isCountryCode(country)) return;
    const r = regionCodeIn(country, v.region);
    if (r.problem !== undefined) ctx.addIssue({ code: "custom", path: ["region"], message: r.problem });
  },
  {
    when: (payload) =>
      typeof payload.value === "object" &&
      payload.value !== null &&
      !payload.issues.some((i) => i.path?.[0] === "region" || i.path?.[0] === "country"),
  },
);

/** The region written as its full ISO 3166-2 code, for storing and matching; after `regionInCountry`. */
export const withFullRegion = <T extends { country?: string | null; region?: string | null }>(v: T): T =>
  typeof v.region === "string" ? { ...v, region: regionCodeIn(v.country, v.region).code ?? v.region } : v;
