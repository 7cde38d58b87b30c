/**
 * The durable half of `ordo demo json`: the store the demo writes to, and after the run the
 * archive-then-retain sequence with proof at each stage: externalized payloads (durable bytes vs
 * the reference hot state keeps), the shipped ledger and terminal snapshot, retention compacting
 * and then evicting the execution from hot state, and an audit of the durable record (what
 * `ordo replay` runs).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { isOrdoError, type PipelineIR } from "@ordo/core";
import {
  applyRetention,
  auditExecution,
  type Connection,
  createClient,
  type DurableStore,
  type ExecutionState,
  isExternalPayload,
  openMongoStore,
  openSqliteStore,
} from "@ordo/runtime";
import { resolvePath } from "../load.js";

/** Default durable store of the demo: the one `ordo replay|ledger|timeline` read by default. */
export const DEFAULT_DEMO_STORE = ".ordo/ordo.db";

/** Opens `target` (SQLite path, created if missing, or a mongodb:// URL). */
export async function openDemoStore(
  cwd: string,
  target: string,
  db: string | undefined,
): Promise<{ store: DurableStore; target: string }> {
  if (/^mongodb(\+srv)?:\/\//.test(target)) {
    return { store: await openMongoStore({ url: target, dbName: db ?? "ordo" }), target };
  }
  const path = resolvePath(cwd, target);
  mkdirSync(dirname(path), { recursive: true });
  return { store: await openSqliteStore({ path }), target: path };
}

/** One externalized step output. */
export interface PayloadLine {
  readonly stepId: string;
  /** Bytes of the output's canonical JSON, stored durably. */
  readonly bytes: number;
  readonly ref: string;
  /** Bytes hot state keeps for it (the reference object). */
  readonly hotBytes: number;
}

/** What {@link archiveAndRetain} did and proved. */
export interface ArchiveReport {
  readonly payloads: readonly PayloadLine[];
  /** Bytes of step outputs kept inline in hot state (the small ones). */
  readonly inlineBytes: number;
  readonly snapshotWritten: boolean;
  /** Size of the execution's hot state as a reader sees it (JSON bytes), at each stage. */
  readonly hotBytes: { readonly terminal: number; readonly compacted: number | null };
  readonly compacted: boolean;
  readonly evicted: boolean;
  /** After eviction, reading the execution from hot state fails with this code. */
  readonly hotReadAfterEvict: string;
  readonly ledgerEvents: number;
  readonly ledgerVerified: boolean;
  readonly auditValid: boolean;
  readonly fingerprint: string | null;
  /** The fingerprint recomputed from the durable record equals the live one. */
  readonly fingerprintMatch: boolean;
  /** Audit issues, `CODE: message` (none when valid). */
  readonly issues: readonly string[];
}

/** Options of {@link archiveAndRetain}. */
export interface ArchiveOptions {
  readonly connection: Connection;
  readonly prefix: string;
  readonly store: DurableStore;
  /** Final shipping pass and release of the shipper's leases (see `DemoSession`). */
  readonly finishShipping: () => Promise<void>;
  readonly ir: PipelineIR;
  readonly executionId: string;
}

const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * Ships the rest of the ledger (the snapshot comes with the terminal event) and stops the
 * shipper, then applies the
 * pipeline's retention in two passes, `compact` and then the IR's `hot` mode (default `evict`),
 * through `applyRetention` (archive before remove), measuring hot state after each.
 */
export async function archiveAndRetain(options: ArchiveOptions): Promise<ArchiveReport> {
  const { connection, prefix, store, executionId } = options;
  // Reads hot state as it is (externalized outputs stay references): no durable store here.
  const raw = createClient({ connection, prefix });
  try {
    const terminal = await raw.status(executionId);
    const payloads = payloadLines(terminal);
    const inlineBytes = Object.values(terminal.steps)
      .filter((s) => s.output !== undefined && !isExternalPayload(s.output))
      .reduce((sum, s) => sum + size(s.output), 0);
    // Close the background shipper (its final pass ships the rest and writes the snapshot): while
    // it holds a partition's lease, applyRetention cannot ship the retention.* events it writes
    // and skips the execution as not_shipped.
    await options.finishShipping();
    const snapshotWritten = (await store.getSnapshot(executionId)) !== null;
    const pipeline = options.ir.name;
    const mode = options.ir.policies?.retention?.hot ?? "evict";
    const compact = await applyRetention({
      connection,
      prefix,
      store,
      retention: { pipelines: { [pipeline]: { hot: "compact" } } },
    });
    const compacted = compact.compacted.includes(executionId);
    const afterCompact = compacted ? size(await raw.status(executionId)) : null;
    const evict = await applyRetention({
      connection,
      prefix,
      store,
      retention: { pipelines: { [pipeline]: { hot: mode === "keep" ? "keep" : "evict" } } },
    });
    const hotReadAfterEvict = await raw.status(executionId).then(
      () => "still readable",
      (error: unknown) => (isOrdoError(error) ? error.code : String(error)),
    );
    const audit = await auditExecution(store, executionId);
    return {
      payloads,
      inlineBytes,
      snapshotWritten,
      hotBytes: { terminal: size(terminal), compacted: afterCompact },
      compacted,
      evicted: evict.evicted.includes(executionId),
      hotReadAfterEvict,
      ledgerEvents: audit.ledger.events,
      ledgerVerified: audit.checks.ledgerChain && audit.checks.ledgerOrder,
      auditValid: audit.valid,
      fingerprint: audit.recomputedFingerprint,
      fingerprintMatch:
        terminal.fingerprint !== undefined && audit.recomputedFingerprint === terminal.fingerprint,
      issues: audit.issues.map((i) => `${i.code}: ${i.message}`),
    };
  } finally {
    await raw.close();
  }
}

function payloadLines(state: ExecutionState): PayloadLine[] {
  const lines: PayloadLine[] = [];
  for (const [stepId, step] of Object.entries(state.steps)) {
    if (!isExternalPayload(step.output)) continue;
    const { $payload: ref, size: bytes } = step.output;
    lines.push({ stepId, bytes, ref, hotBytes: size(step.output) });
  }
  return lines.sort((a, b) => b.bytes - a.bytes);
}

/** `1.2 MB`, `128.0 KB`, `90 B`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The human-readable lines of `report` (one per fact, each verifiable). */
export function formatArchive(report: ArchiveReport, executionId: string, store: string): string {
  const lines = report.payloads.map(
    (p) =>
      `payload      ${p.stepId} output ${formatBytes(p.bytes)} -> durable ref ` +
      `${p.ref.slice(0, 19)}… (hot state keeps ${formatBytes(p.hotBytes)})`,
  );
  if (report.payloads.length === 0) {
    lines.push(
      "payload      NONE externalized: the workers had no durable store (external `ordo worker` " +
        "processes with --workers 0 keep outputs inline)",
    );
  }
  const durable = report.payloads.reduce((sum, p) => sum + p.bytes, 0);
  const hotRefs = report.payloads.reduce((sum, p) => sum + p.hotBytes, 0);
  lines.push(
    `payloads     ${formatBytes(durable)} durable; hot state keeps ${formatBytes(hotRefs)} of ` +
      `references + ${formatBytes(report.inlineBytes)} of small inline outputs`,
    `archive      ledger shipped (${report.ledgerEvents} events, hash chain ` +
      `${report.ledgerVerified ? "verified" : "BROKEN"}), terminal snapshot ` +
      `${report.snapshotWritten ? "written" : "MISSING"} to ${store}`,
    `retention    compact: ${report.compacted ? "done" : "NOT DONE"}, hot state ` +
      `${formatBytes(report.hotBytes.terminal)} -> ${
        report.hotBytes.compacted === null ? "?" : formatBytes(report.hotBytes.compacted)
      } (outputs dropped, statuses kept)`,
    `retention    evict: ${report.evicted ? "done" : "NOT DONE"}, hot read now fails with ` +
      `${report.hotReadAfterEvict}`,
    `durable      audit ${report.auditValid ? "valid" : "INVALID"}, fingerprint recomputed ` +
      `from the durable record ${report.fingerprintMatch ? "matches" : "DOES NOT MATCH"} (${
        report.fingerprint ?? "-"
      })`,
    ...report.issues.map((i) => `  audit issue: ${i}`),
    `verify       ordo replay ${executionId} --store ${store}`,
  );
  return `${lines.map((l) => `${l}\n`).join("")}`;
}

/** True when every stage of `report` succeeded (the demo's exit code). */
export function archiveOk(report: ArchiveReport): boolean {
  return (
    report.payloads.length > 0 &&
    report.snapshotWritten &&
    report.compacted &&
    report.evicted &&
    report.hotReadAfterEvict === "EXECUTION_NOT_FOUND" &&
    report.ledgerVerified &&
    report.auditValid &&
    report.fingerprintMatch
  );
}
