/**
 * The client side of `npm run import`: sends a CSV file to a running server's import route (the API, not
 * the database, so the server's own stock queue, roles and audit log apply), with a progress bar of the
 * upload on stderr, and prints what changed or every row's problem.
 */
import { progressBar } from "../db/seed/progress.ts";

export type ImportKind = "spirits" | "stock";

export type ImportRun = {
  text: string;
  kind?: ImportKind;
  dryRun: boolean;
  url: string;
  token: string;
  stderr: { write(s: string): unknown; isTTY?: boolean };
  fetch?: typeof fetch;
};

type Report = { dryRun: boolean; created: number; updated: number; unchanged: number };
type Problem = {
  status: number;
  detail?: string;
  errors?: { line?: number; column?: string | null; path: string; message: string }[];
};

const CHUNK = 64 * 1024;

/** Stock files have an `onHand` column; anything else is taken for the catalog. */
export function kindOf(text: string): ImportKind {
  const header = text.replace(/^\ufeff/, "").split(/\r?\n/, 1)[0] ?? "";
  return header.split(",").some((h) => h.trim().replace(/^"|"$/g, "") === "onHand") ? "stock" : "spirits";
}

/** Runs the import; answers the process exit code (0 done, 1 refused, 2 could not talk to the server). */
export async function runCsvImport(run: ImportRun): Promise<number> {
  const kind = run.kind ?? kindOf(run.text);
  const path = kind === "stock" ? "/api/v1/inventory/import" : "/api/v1/spirits/import";
  const target = new URL(path, run.url);
  if (run.dryRun) target.searchParams.set("dryRun", "true");
  const bytes = new TextEncoder().encode(run.text);
  const bar = progressBar(run.stderr);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes.length) {
        bar.update("upload", bytes.length, bytes.length);
        controller.close();
        return;
      }
      const chunk = bytes.subarray(sent, sent + CHUNK);
      sent += chunk.length;
      bar.update("upload", sent, bytes.length);
      controller.enqueue(chunk);
    },
  });
  let res: Response;
  try {
    res = await (run.fetch ?? fetch)(target, {
      method: "POST",
      headers: { "Content-Type": "text/csv; charset=utf-8", Authorization: `Bearer ${run.token}` },
      body,
      // @ts-expect-error: a streamed body needs half duplex in fetch implementations that know the option.
      duplex: "half",
    });
  } catch (err) {
    run.stderr.write(`\nCould not reach ${target.origin}: ${(err as Error).message}\n`);
    return 2;
  }
  const answer = (await res.json().catch(() => ({}))) as Report & Problem;
  if (res.ok) {
    const counts = `${answer.created} created, ${answer.updated} updated, ${answer.unchanged} unchanged`;
    run.stderr.write(
      answer.dryRun ? `${kind} (dry run, nothing changed): would be ${counts}\n` : `${kind}: ${counts}\n`,
    );
    return 0;
  }
  run.stderr.write(`\n${res.status}: ${answer.detail ?? "the import was refused"}\n`);
  for (const e of answer.errors ?? []) run.stderr.write(`  ${e.path}: ${e.message}\n`);
  return 1;
}
