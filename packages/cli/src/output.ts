/** Printing helpers shared by the commands: one line per problem, each with its code. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Diagnostic } from "@ordo/analyze";
import type { IrIssue } from "@ordo/core";
import { usageError } from "./command.js";
import type { CliIO } from "./io.js";

/** Pretty JSON with a trailing newline, the format of every JSON file and stdout document. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `file.ts:12:34 error IR_BINDING_UNKNOWN_STEP message` (paths relative to the cwd as given). */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`;
  return `${where} ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message}\n`;
}

/** `source $.steps[2].inputs.query error CODE message` for IR issues without a source position. */
export function formatIssue(
  source: string,
  issue: IrIssue | { code: string; path: string; message: string },
  severity: "error" | "warning" = "error",
): string {
  return `${source} ${issue.path} ${severity} ${issue.code} ${issue.message}\n`;
}

/** Writes `text` to `out` (creating its directory) or to stdout when `out` is undefined. */
export async function emit(io: CliIO, text: string, out: string | undefined): Promise<void> {
  if (out === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw usageError(`cannot write '${out}': ${reason}`, { path: out });
  }
}
