import { type FieldIssue, fieldErrors } from "../../domain-error.ts";
import { isCountryCode } from "../../http/iso-codes.ts";
import { mergePatch } from "../../http/merge-patch.ts";
import { regionCodeIn } from "../../http/region-code.ts";
import { type Customer, type Preferences, PreferencesSchema } from "./customers.schemas.ts";

/**
 * Rules a schema cannot check alone: the date of birth against today's date, the e-mail against the stored
 * one, and for a patch what the merged profile holds (the region against the stored country, the merged
 * preferences). They take the body as sent, valid or not, so a route can list them beside its schema's
 * errors in one answer; a field the schema already faults is simply not theirs to judge twice.
 */
export type ProfileBody = {
  email?: unknown;
  dateOfBirth?: unknown;
  country?: unknown;
  region?: unknown;
  preferences?: unknown;
};

export type Stored = Pick<Customer, "email" | "country" | "region" | "preferences">;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The stored preferences with a patch merged in, or the merged value's problems (paths under `preferences`). */
export function mergedPreferences(
  current: Preferences,
  patch: unknown,
): { value: Preferences; errors?: undefined } | { errors: FieldIssue[] } {
  if (patch === null) return { value: {} };
  const merged = PreferencesSchema.safeParse(mergePatch(current, patch));
  if (merged.success) return { value: merged.data };
  return {
    errors: fieldErrors(merged.error.issues).map((e) => ({
      path: e.path === "(root)" ? "preferences" : `preferences.${e.path}`,
      message: e.message,
    })),
  };
}

export function profileRuleErrors(
  current: Stored,
  body: ProfileBody,
  mode: "replace" | "patch",
  today: string,
): FieldIssue[] {
  const errors: FieldIssue[] = [];
  if (typeof body.email === "string" && body.email.trim().toLowerCase() !== current.email) {
    errors.push({
      path: "email",
      message:
        "is read-only here: it is the e-mail the account signs in with (send it unchanged or leave it out)",
    });
  }
  if (typeof body.dateOfBirth === "string" && /^\d{4}-\d{2}-\d{2}$/.test(body.dateOfBirth)) {
    if (body.dateOfBirth >= today) errors.push({ path: "dateOfBirth", message: "must be in the past" });
    else if (body.dateOfBirth < "1900-01-01")
      errors.push({ path: "dateOfBirth", message: "must be 1900 or later" });
  }
  if (mode === "patch") {
    errors.push(...patchedRegionErrors(current, body));
    if (isRecord(body.preferences))
      errors.push(...(mergedPreferences(current.preferences, body.preferences).errors ?? []));
  }
  return errors;
}

/** A patch that names the country or the region: the region it leaves must lie in the country it leaves. */
function patchedRegionErrors(current: Stored, body: ProfileBody): FieldIssue[] {
  if (body.country === undefined && body.region === undefined) return [];
  const country = body.country === undefined ? current.country : body.country;
  const region = body.region === undefined ? current.region : body.region;
  if (typeof region !== "string") return [];
  if (country !== null && (typeof country !== "string" || !isCountryCode(country))) return [];
  const r = regionCodeIn(country, region);
  if (r.problem === undefined) return [];
  const why = body.region === undefined ? `; the profile's region is ${region}: change or clear it too` : "";
  return [{ path: "region", message: r.problem + why }];
}

/** The region a patch leaves, as its full ISO 3166-2 code (after `profileRuleErrors` found none). */
export function patchedRegion(country: string | null, region: string | null): string | null {
  return region === null ? null : (regionCodeIn(country, region).code ?? region);
}
