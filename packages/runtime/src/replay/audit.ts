/**
 * Replay audit (`ordo replay <id>`): re-derive everything a terminal snapshot claims from the
 * durable store alone (definition, payloads, ledger) and report every disagreement. Never writes
 * and never calls a plugin.
 */
import { type JsonValue, sha256Hex } from "@ordo/core";
import { verifyChain } from "../durable/ledger-chain.js";
import type { DurableStore, ExecutionSnapshot, LedgerEvent, LedgerHead } from "../durable/types.js";
import { type PreparedDefinition, prepareDefinition } from "../engine/definition.js";
import { executionFingerprint, type FingerprintStep, type StepStatus } from "../engine/state.js";
import {
  checkGraph,
  checkLedgerOrder,
  checkSteps,
  type ReplayIssue,
  type ReplayIssueCode,
} from "./checks.js";

/** One step as the audit saw it. */
export interface ReplayStepReport {
  readonly stepId: string;
  readonly status: string;
  readonly attempt: number;
  readonly outputRef?: string;
  /** Whether the output payload resolved and matched its hash; null when there is no output. */
  readonly payloadValid: boolean | null;
}

/** Pass/fail of each family of checks. */
export interface ReplayChecks {
  readonly definition: boolean;
  readonly steps: boolean;
  readonly dependencyGraph: boolean;
  readonly payloads: boolean;
  readonly fingerprint: boolean;
  readonly ledgerChain: boolean;
  readonly ledgerOrder: boolean;
}

/** Result of {@link auditExecution}. `valid` is true only when every check passed. */
export interface ReplayReport {
  readonly executionId: string;
  readonly snapshotFound: boolean;
  readonly pipeline?: string;
  readonly status?: string;
  readonly recordedFingerprint: string | null;
  /** Recomputed from definition, input, statuses and payloads; null when it could not be. */
  readonly recomputedFingerprint: string | null;
  readonly checks: ReplayChecks;
  readonly valid: boolean;
  readonly ledger: { readonly events: number; readonly head: LedgerHead | null };
  readonly steps: readonly ReplayStepReport[];
  readonly issues: readonly ReplayIssue[];
}

const FAMILY: Readonly<Record<ReplayIssueCode, keyof ReplayChecks>> = {
  SNAPSHOT_NOT_FOUND: "definition",
  SNAPSHOT_NOT_TERMINAL: "steps",
  DEFINITION_INVALID: "definition",
  DEFINITION_MISMATCH: "definition",
  STEP_MISSING: "steps",
  STEP_UNKNOWN: "steps",
  STEP_STATE_INVALID: "steps",
  STATUS_MISMATCH: "steps",
  GRAPH_INCONSISTENT: "dependencyGraph",
  OUTPUT_REF_MISSING: "payloads",
  PAYLOAD_MISSING: "payloads",
  PAYLOAD_HASH_MISMATCH: "payloads",
  FINGERPRINT_MISSING: "fingerprint",
  FINGERPRINT_MISMATCH: "fingerprint",
  FINGERPRINT_UNVERIFIED: "fingerprint",
  LEDGER_BROKEN: "ledgerChain",
  LEDGER_HEAD_MISMATCH: "ledgerChain",
  LEDGER_ORDER: "ledgerOrder",
};

/**
 * Audits a finalized execution from the durable store: definition fingerprint, step states,
 * dependency graph vs step states, every payload reference (resolves, hash matches), the
 * execution fingerprint recomputed exactly as the engine computes it, the ledger hash chain,
 * the snapshot's ledger head, and ledger order vs graph and states.
 *
 * @example
 * ```ts
 * const report = await auditExecution(store, "e1");
 * if (!report.valid) for (const i of report.issues) console.error(i.code, i.stepId ?? "", i.message);
 * ```
 */
export async function auditExecution(
  store: DurableStore,
  executionId: string,
): Promise<ReplayReport> {
  const snapshot = await store.getSnapshot(executionId);
  const events = await store.readEvents(executionId);
  if (snapshot === null) {
    return report(executionId, null, [], null, events, [
      { code: "SNAPSHOT_NOT_FOUND", message: `no snapshot of execution '${executionId}'` },
    ]);
  }
  const issues: ReplayIssue[] = [];
  if (snapshot.completedAt === null || snapshot.status === "running") {
    issues.push({
      code: "SNAPSHOT_NOT_TERMINAL",
      message: `the snapshot is not terminal (status '${snapshot.status}')`,
    });
  }
  const def = definitionOf(snapshot, issues);
  const payloads = await checkPayloads(store, snapshot, issues);
  let recomputed: string | null = null;
  if (def !== undefined) {
    issues.push(...checkSteps(def, snapshot), ...checkGraph(def, snapshot));
    recomputed = recomputeFingerprint(snapshot, payloads.outputs, issues);
  }
  checkLedger(snapshot, events, issues);
  if (def !== undefined) issues.push(...checkLedgerOrder(def, snapshot, events));
  return report(executionId, snapshot, payloads.steps, recomputed, events, issues);
}

function definitionOf(
  snapshot: ExecutionSnapshot,
  issues: ReplayIssue[],
): PreparedDefinition | undefined {
  let def: PreparedDefinition;
  try {
    def = prepareDefinition(snapshot.ir as Parameters<typeof prepareDefinition>[0]);
  } catch (error) {
    issues.push({
      code: "DEFINITION_INVALID",
      message: `the recorded IR is invalid: ${(error as Error).message}`,
    });
    return undefined;
  }
  if (def.fingerprint !== snapshot.definitionFingerprint) {
    issues.push({
      code: "DEFINITION_MISMATCH",
      message: `the recorded IR hashes to ${def.fingerprint}, the snapshot says ${snapshot.definitionFingerprint}`,
    });
  }
  return def;
}

async function checkPayloads(
  store: DurableStore,
  snapshot: ExecutionSnapshot,
  issues: ReplayIssue[],
) {
  const outputs = new Map<string, JsonValue>();
  const steps: ReplayStepReport[] = [];
  for (const [stepId, step] of Object.entries(snapshot.steps)) {
    let payloadValid: boolean | null = null;
    if (step.outputRef !== undefined) {
      payloadValid = false;
      const payload = await store.getPayload(step.outputRef);
      const declared = (step.extra as { outputHash?: unknown } | undefined)?.outputHash;
      if (payload === null) {
        issues.push({
          code: "PAYLOAD_MISSING",
          stepId,
          message: `output ${step.outputRef} of step '${stepId}' does not resolve`,
        });
      } else if (`sha256:${sha256Hex(payload.bytes)}` !== step.outputRef) {
        issues.push({
          code: "PAYLOAD_HASH_MISMATCH",
          stepId,
          message: `the payload of step '${stepId}' does not hash to its reference`,
        });
      } else if (declared !== undefined && `sha256:${declared}` !== step.outputRef) {
        issues.push({
          code: "PAYLOAD_HASH_MISMATCH",
          stepId,
          message: `step '${stepId}' records output hash ${String(declared)} but references ${step.outputRef}`,
        });
      } else {
        payloadValid = true;
        outputs.set(stepId, JSON.parse(new TextDecoder().decode(payload.bytes)) as JsonValue);
      }
    }
    steps.push({
      stepId,
      status: step.status,
      attempt: step.attempt,
      ...(step.outputRef === undefined ? {} : { outputRef: step.outputRef }),
      payloadValid,
    });
  }
  return { outputs, steps };
}

/** The engine's execution fingerprint from recorded facts; null when an output is unavailable. */
function recomputeFingerprint(
  snapshot: ExecutionSnapshot,
  outputs: ReadonlyMap<string, JsonValue>,
  issues: ReplayIssue[],
): string | null {
  const steps = new Map<string, FingerprintStep>();
  for (const [id, s] of Object.entries(snapshot.steps)) {
    if (s.outputRef !== undefined && !outputs.has(id)) {
      issues.push({
        code: "FINGERPRINT_UNVERIFIED",
        stepId: id,
        message: `the fingerprint cannot be recomputed without the output of step '${id}'`,
      });
      return null;
    }
    const output = outputs.get(id);
    steps.set(id, { status: s.status as StepStatus, ...(output === undefined ? {} : { output }) });
  }
  const recomputed = executionFingerprint(
    snapshot.definitionFingerprint,
    snapshot.input as JsonValue,
    steps,
  );
  if (snapshot.executionFingerprint === null) {
    issues.push({
      code: "FINGERPRINT_MISSING",
      message: "the snapshot has no execution fingerprint",
    });
  } else if (snapshot.executionFingerprint !== recomputed) {
    issues.push({
      code: "FINGERPRINT_MISMATCH",
      message: `recorded fingerprint ${snapshot.executionFingerprint} but the recorded facts give ${recomputed}`,
    });
  }
  return recomputed;
}

function checkLedger(
  snapshot: ExecutionSnapshot,
  events: readonly LedgerEvent[],
  issues: ReplayIssue[],
) {
  const chain = verifyChain(events);
  if (!chain.ok) {
    issues.push({
      code: "LEDGER_BROKEN",
      seq: chain.seq,
      message: `${chain.code} at seq ${chain.seq}: ${chain.message}`,
    });
  }
  const head = snapshot.ledgerHead;
  if (head !== null && events[head.seq - 1]?.hash !== head.hash) {
    issues.push({
      code: "LEDGER_HEAD_MISMATCH",
      seq: head.seq,
      message: `the snapshot's ledger head (seq ${head.seq}) is not in the ledger`,
    });
  }
  const noted = events.find((e) => e.type === "execution.fingerprinted")?.data?.fingerprint;
  if (noted !== undefined && noted !== snapshot.executionFingerprint) {
    issues.push({
      code: "FINGERPRINT_MISMATCH",
      message: `the ledger recorded fingerprint ${String(noted)}, the snapshot ${snapshot.executionFingerprint}`,
    });
  }
}

function report(
  executionId: string,
  snapshot: ExecutionSnapshot | null,
  steps: ReplayStepReport[],
  recomputed: string | null,
  events: readonly LedgerEvent[],
  issues: ReplayIssue[],
): ReplayReport {
  const failed = new Set(issues.map((i) => FAMILY[i.code]));
  const checks: ReplayChecks = {
    definition: !failed.has("definition"),
    steps: !failed.has("steps"),
    dependencyGraph: !failed.has("dependencyGraph"),
    payloads: !failed.has("payloads"),
    fingerprint: snapshot !== null && !failed.has("fingerprint"),
    ledgerChain: !failed.has("ledgerChain"),
    ledgerOrder: !failed.has("ledgerOrder"),
  };
  const last = events.at(-1);
  return {
    executionId,
    snapshotFound: snapshot !== null,
    ...(snapshot === null ? {} : { pipeline: snapshot.pipeline, status: snapshot.status }),
    recordedFingerprint: snapshot?.executionFingerprint ?? null,
    recomputedFingerprint: recomputed,
    checks,
    valid: issues.length === 0,
    ledger: { events: events.length, head: last ? { seq: last.seq, hash: last.hash } : null },
    steps,
    issues,
  };
}
