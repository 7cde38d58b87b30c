/**
 * Consistency of built-in policy values that the zod shape cannot see: settings that would make
 * a policy silently useless (a lease that expires between heartbeats, a token estimate larger
 * than the limit, which could never be admitted...). Custom policy configs are checked by the SDK
 * against the registered policy, not here.
 */
import type { PathSegment } from "./bindings.js";
import { formatJsonPath } from "./json-path.js";
import type { IrIssue } from "./validate-view.js";

type Obj = Record<string, unknown>;

function record(value: unknown): Obj | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}

const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

function retryIssues(retry: Obj, at: PathSegment[], issues: IrIssue[]): void {
  const base = num(retry.baseDelayMs);
  const max = num(retry.maxDelayMs);
  if (base !== undefined && max !== undefined && max < base) {
    issues.push({
      code: "IR_INVALID_POLICY",
      path: formatJsonPath([...at, "maxDelayMs"]),
      message: `retry maxDelayMs (${max}) is below baseDelayMs (${base}); every delay would be capped below its base`,
    });
  }
  const retryOn = Array.isArray(retry.retryOn) ? retry.retryOn : [];
  const never = Array.isArray(retry.doNotRetryOn) ? retry.doNotRetryOn : [];
  never.forEach((code, index) => {
    if (!retryOn.includes(code)) return;
    issues.push({
      code: "IR_INVALID_POLICY",
      path: formatJsonPath([...at, "doNotRetryOn", index]),
      message: `error code ${JSON.stringify(code)} is both in retryOn and doNotRetryOn; keep it in one`,
    });
  });
}

function timeoutIssues(timeout: Obj, at: PathSegment[], issues: IrIssue[]): void {
  const lease = num(timeout.leaseMs);
  const heartbeat = num(timeout.heartbeatMs);
  if (lease !== undefined && heartbeat !== undefined && heartbeat >= lease) {
    issues.push({
      code: "IR_INVALID_POLICY",
      path: formatJsonPath([...at, "heartbeatMs"]),
      message: `heartbeatMs (${heartbeat}) must be below leaseMs (${lease}), or the lease expires between heartbeats and the step is recovered while running`,
    });
  }
}

function rateLimitIssues(limits: unknown[], at: PathSegment[], issues: IrIssue[]): void {
  limits.forEach((raw, index) => {
    const limit = record(raw);
    const estimate = num(limit?.estimate);
    if (limit === undefined || estimate === undefined) return;
    const path = formatJsonPath([...at, index, "estimate"]);
    if (limit.unit !== "tokens") {
      issues.push({
        code: "IR_INVALID_POLICY",
        path,
        message: "estimate only applies to token rate limits (unit: tokens); remove it",
      });
    } else if (num(limit.limit) !== undefined && estimate > (num(limit.limit) as number)) {
      issues.push({
        code: "IR_INVALID_POLICY",
        path,
        message: `estimate (${estimate}) exceeds the limit (${limit.limit}) per window, so no attempt could ever be admitted`,
      });
    }
  });
}

const ADMISSION_PAIRS = [
  ["allowedProviders", "blockedProviders"],
  ["allowedModels", "blockedModels"],
  ["allowedOperations", "blockedOperations"],
] as const;

function admissionIssues(admission: Obj, at: PathSegment[], issues: IrIssue[]): void {
  for (const [allowedField, blockedField] of ADMISSION_PAIRS) {
    const allowed = admission[allowedField];
    const blocked = admission[blockedField];
    if (!Array.isArray(allowed) || !Array.isArray(blocked)) continue;
    const norm = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v);
    const allowedSet = new Set(allowed.map(norm));
    blocked.forEach((value, index) => {
      if (!allowedSet.has(norm(value))) return;
      issues.push({
        code: "IR_INVALID_POLICY",
        path: formatJsonPath([...at, blockedField, index]),
        message: `${JSON.stringify(value)} is both in ${allowedField} and ${blockedField}; keep it in one`,
      });
    });
  }
}

/** @internal Issues of one policy set located at `at` (e.g. `["steps", 2, "policies"]`). */
export function checkPolicySet(policies: unknown, at: PathSegment[]): IrIssue[] {
  const set = record(policies);
  if (set === undefined) return [];
  const issues: IrIssue[] = [];
  const retry = record(set.retry);
  if (retry !== undefined) retryIssues(retry, [...at, "retry"], issues);
  const timeout = record(set.timeout);
  if (timeout !== undefined) timeoutIssues(timeout, [...at, "timeout"], issues);
  if (Array.isArray(set.rateLimits)) rateLimitIssues(set.rateLimits, [...at, "rateLimits"], issues);
  const admission = record(set.admission);
  if (admission !== undefined) admissionIssues(admission, [...at, "admission"], issues);
  return issues;
}
