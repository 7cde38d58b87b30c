/** `ordo replay`: audit a recorded execution; optionally restore it or diff a new IR against it. */
import { validatePipeline } from "@ordo/core";
import {
  type AgainstReport,
  auditExecution,
  diffAgainst,
  type ReplayReport,
  restoreExecution,
} from "@ordo/runtime";
import { defineCommand, EXIT, usageError } from "../command.js";
import { readJson, resolvePath } from "../load.js";
import { prettyJson } from "../output.js";
import { DURABLE_OPTIONS, hotOptions, requireRedis, withStore } from "./durable.js";

export const replayCommand = defineCommand({
  name: "replay",
  summary: "Audit a recorded execution; --restore it into Redis or diff --against a new IR.",
  usage:
    "ordo replay <executionId> [--restore | --against ir.json] [--store path|url] [--redis URL] [--json]",
  description: [
    "Audit-only by default (never writes, never calls plugins): recomputes the definition and",
    "execution fingerprints, checks step states against the dependency graph and the ledger",
    "order, resolves every payload reference, and verifies the ledger hash chain. Prints a",
    "report; exit 1 on any issue.",
    "--restore (needs --redis) rebuilds the execution's hot state from the snapshot; refused",
    "(exit 1) when the audit finds any issue.",
    "--against <ir.json> lists where a new pipeline version diverges from the recording (step",
    "types, versions, bindings, schemas, policies, dependencies); exit 1 when a step that",
    "completed in the recording changes.",
  ].join("\n"),
  options: {
    ...DURABLE_OPTIONS,
    restore: { type: "boolean", description: "Rebuild hot state in Redis from the snapshot." },
    against: { type: "string", valueName: "ir.json", description: "Diff a new IR against it." },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, { io }) {
    const executionId = positionals[0]!;
    if (values.restore && values.against !== undefined) {
      throw usageError("replay: use either --restore or --against, not both");
    }
    if (values.restore) requireRedis(values, "replay --restore");
    return withStore(values, io, async (store) => {
      if (values.against !== undefined) {
        const file = values.against;
        const checked = validatePipeline(await readJson(resolvePath(io.cwd, file), file));
        if (!checked.ok)
          throw usageError(`${file}: not a valid IR (${checked.issues[0]!.message})`);
        const snapshot = await store.getSnapshot(executionId);
        if (snapshot === null) {
          io.stderr.write(`replay ${executionId}: no snapshot in the durable store\n`);
          return EXIT.INVALID;
        }
        const diff = diffAgainst(snapshot, checked.ir);
        io.stdout.write(values.json ? prettyJson(diff) : formatAgainst(diff));
        return diff.affectsCompleted ? EXIT.INVALID : EXIT.OK;
      }
      const report = await auditExecution(store, executionId);
      if (!values.restore || !report.valid) {
        io.stdout.write(values.json ? prettyJson(report) : formatReport(report));
        if (values.restore) io.stderr.write(`replay ${executionId}: restore refused (invalid)\n`);
        return report.valid ? EXIT.OK : EXIT.INVALID;
      }
      const restored = await restoreExecution({ ...hotOptions(values), store }, executionId);
      io.stdout.write(
        values.json
          ? prettyJson({ ...restored.report, restored: true })
          : `${formatReport(restored.report)}restored ${executionId} into hot state\n`,
      );
      return EXIT.OK;
    });
  },
});

function mark(ok: boolean): string {
  return ok ? "ok" : "FAILED";
}

/** The audit as lines: summary, checks, issues. */
export function formatReport(r: ReplayReport): string {
  const lines = [
    `replay ${r.executionId}: ${r.valid ? "valid" : "INVALID"}${r.pipeline ? ` (${r.pipeline}, ${r.status})` : ""}`,
    `  fingerprint  recorded ${r.recordedFingerprint ?? "-"}`,
    `               recomputed ${r.recomputedFingerprint ?? "-"}`,
    `  ledger       ${r.ledger.events} events${r.ledger.head ? `, head seq ${r.ledger.head.seq}` : ""}`,
  ];
  for (const [name, ok] of Object.entries(r.checks)) lines.push(`  ${name.padEnd(16)} ${mark(ok)}`);
  for (const i of r.issues) {
    const where = [i.stepId ? `step ${i.stepId}` : "", i.seq ? `seq ${i.seq}` : ""].filter(Boolean);
    lines.push(`  ${i.code}${where.length ? ` (${where.join(", ")})` : ""}: ${i.message}`);
  }
  return `${lines.join("\n")}\n`;
}

function formatAgainst(d: AgainstReport): string {
  if (d.identical) return `against ${d.executionId}: identical definition ${d.newDefinition}\n`;
  const lines = [
    `against ${d.executionId}: ${d.divergences.length} divergent step(s)${d.firstDivergence ? `, first '${d.firstDivergence}'` : ""}`,
  ];
  if (d.pipelineChanges.length > 0)
    lines.push(`  pipeline: ${d.pipelineChanges.join(", ")} changed`);
  for (const s of d.divergences) {
    const status = s.recordedStatus ? `was ${s.recordedStatus}` : "new";
    lines.push(
      `  ${s.stepId}: ${s.changes.join(", ")} (${status})${s.affectsCompleted ? " !" : ""}`,
    );
  }
  if (d.affectsCompleted) lines.push("  ! changes a step that completed in the recording");
  return `${lines.join("\n")}\n`;
}
