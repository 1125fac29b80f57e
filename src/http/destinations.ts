/**
 * Destination codes: how locations say where they ship and compliance says where spirits may not go.
 *
 * A code is one of
 * - `*`: anywhere;
 * - a group: `EU` (the 27 member states);
 * - a country: ISO 3166-1 alpha-2 (`GB`);
 * - a subdivision: ISO 3166-2, the country and up to three letters or digits (`GB-SCT`, `US-UT`, `CA-QC`).
 *
 * A destination `{ country, region }` is matched by a list of codes when the list holds `*`, a group the
 * country belongs to, the country, or the destination's subdivision. The region may be given whole
 * (`GB-SCT`) or as its suffix (`SCT`); both mean `GB-SCT`. A subdivision code only matches destinations
 * that name that subdivision: `GB-SCT` alone does not serve `{ country: "GB" }` without a region.
 * Matching ignores case.
 */
import { isCountryCode } from "./iso-codes.ts";

export type Destination = { country: string; region?: string | null | undefined };

export const REGION_GROUPS: Readonly<Record<string, readonly string[]>> = {
  EU: [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
  ],
};

const SUBDIVISION = /^([A-Z]{2})-([A-Z0-9]{1,3})$/;

/** `GB-SCT` (ISO 3166-2 shape, with a real country). */
export function isSubdivisionCode(code: string): boolean {
  const m = SUBDIVISION.exec(code);
  return m !== null && isCountryCode(m[1]!);
}

/** A country or a subdivision: what compliance rules are keyed by. */
export const isPlaceCode = (code: string) => isCountryCode(code) || isSubdivisionCode(code);

/** Anything a location's `shipsTo` may hold. */
export const isShippingCode = (code: string) => code === "*" || code in REGION_GROUPS || isPlaceCode(code);

/** The destination's subdivision as an ISO 3166-2 code (`GB` + `SCT` or `GB-SCT` → `GB-SCT`), if it has one. */
export function subdivisionOf(d: Destination): string | undefined {
  const region = d.region?.trim().toUpperCase();
  if (!region) return undefined;
  const country = d.country.toUpperCase();
  return region.startsWith(`${country}-`) ? region : `${country}-${region}`;
}

/** Every code that names the destination, most specific first: subdivision, country, groups, `*`. */
export function codesFor(d: Destination): string[] {
  const country = d.country.toUpperCase();
  const codes: string[] = [];
  const sub = subdivisionOf(d);
  if (sub) codes.push(sub);
  codes.push(country);
  for (const [group, members] of Object.entries(REGION_GROUPS)) {
    if (members.includes(country)) codes.push(group);
  }
  codes.push("*");
  return codes;
}

/** Whether a list of codes (a location's `shipsTo`) covers the destination. */
export function coversDestination(codes: readonly string[], d: Destination): boolean {
  const wanted = new Set(codesFor(d));
  return codes.some((c) => wanted.has(c.toUpperCase()));
}
