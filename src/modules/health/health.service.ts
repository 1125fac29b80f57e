import journal from "../../../migrations/meta/_journal.json" with { type: "json" };
import type { Deps } from "../../deps.ts";

export function createHealthService(deps: Deps) {
  return {
    async readiness() {
      const expected = journal.entries.length;
      try {
        const rs = await deps.client.execute("SELECT count(*) AS n FROM __drizzle_migrations");
        const applied = Number(rs.rows[0]?.n ?? 0);
        return { ready: applied >= expected, database: "ok" as const, applied, expected };
      } catch {
        return { ready: false, database: "unreachable" as const, applied: 0, expected };
      }
    },
  };
}
