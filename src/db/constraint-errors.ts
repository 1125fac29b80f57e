/**
 * Telling SQLite's constraint failures apart, wherever a module turns one into its own problem (a taken
 * e-mail, a second ballot entry, an unknown reference). libSQL's error may come wrapped by drizzle, so each
 * check walks the `cause` chain a few levels down.
 */

/** The error, then its causes (at most five deep). */
function* causes(err: unknown): Generator<{ code?: string; extendedCode?: string; message?: string }> {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    yield e as { code?: string; extendedCode?: string; message?: string };
    e = (e as { cause?: unknown }).cause;
  }
}

/** True when a database error is the given SQLite constraint failure. */
export function isConstraintError(err: unknown, kind: "FOREIGNKEY" | "UNIQUE" | "PRIMARYKEY"): boolean {
  const text = { FOREIGNKEY: "FOREIGN KEY", UNIQUE: "UNIQUE", PRIMARYKEY: "UNIQUE" }[kind];
  for (const { code, extendedCode, message } of causes(err)) {
    if (extendedCode === `SQLITE_CONSTRAINT_${kind}` || code === `SQLITE_CONSTRAINT_${kind}`) return true;
    if (typeof message === "string" && message.includes(`${text} constraint failed`)) return true;
  }
  return false;
}

/** True when a database error is a UNIQUE constraint failure on `column` ("table.column, table.other"). */
export function isUniqueViolation(err: unknown, column: string): boolean {
  for (const { message } of causes(err)) {
    if (typeof message === "string" && message.includes(`UNIQUE constraint failed: ${column}`)) return true;
  }
  return false;
}
