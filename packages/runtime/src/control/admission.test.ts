import { isOrdoError } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { type AdmissionInstance, type AdmissionRequest, decideAdmission } from "./admission.js";

function inst(
  id: string,
  over: Partial<AdmissionInstance> & { used?: number } = {},
): AdmissionInstance {
  const runSlots = over.runSlots ?? 4;
  const running = over.runningRuns ?? over.used ?? 0;
  const claimed = over.claimedRuns ?? 0;
  const status = over.status ?? "ready";
  const available = Math.max(0, runSlots - running - claimed);
  return {
    instanceId: id,
    status,
    runSlots,
    runningRuns: running,
    claimedRuns: claimed,
    availableRunSlots: available,
    canAcceptRun: over.canAcceptRun ?? (status === "ready" && available > 0),
  };
}

const none = { queued: 0 };

describe("decideAdmission", () => {
  it("assigns the only available instance", () => {
    const d = decideAdmission({}, [inst("a")], none);
    expect(d).toMatchObject({ kind: "assign", instanceId: "a" });
    expect(d.reason).toContain("only available");
  });

  it("picks the least loaded of several (slot use, then running, then id)", () => {
    const list = [inst("a", { used: 3 }), inst("b", { used: 1 }), inst("c", { used: 2 })];
    expect(decideAdmission({}, list, none)).toMatchObject({
      kind: "least-loaded",
      instanceId: "b",
    });
    const ratio = [inst("big", { runSlots: 10, used: 4 }), inst("small", { runSlots: 2, used: 1 })];
    expect(decideAdmission({}, ratio, none).instanceId).toBe("big");
    const tie = [inst("y", { used: 1 }), inst("x", { used: 1 })];
    expect(decideAdmission({}, tie, none).instanceId).toBe("x");
  });

  it("prefers the requested instance when it is available", () => {
    const list = [inst("a"), inst("b", { used: 3 })];
    const d = decideAdmission({ instanceId: "b" }, list, none);
    expect(d).toMatchObject({ kind: "prefer", instanceId: "b" });
  });

  it("ignores an unavailable requested instance and says why", () => {
    const list = [inst("a"), inst("b", { status: "draining" }), inst("c", { used: 4 })];
    const d = decideAdmission({ instanceId: "b" }, list, none);
    expect(d).toMatchObject({ kind: "assign", instanceId: "a" });
    expect(d.reason).toContain("requested b unavailable (draining)");
    const off = decideAdmission({ instanceId: "a" }, [inst("a"), inst("z")], none, {
      preferRequestedInstance: false,
    });
    expect(off.kind).toBe("least-loaded");
  });

  it("requests scale-out when nothing can take the run, also with zero instances", () => {
    const full = [inst("a", { used: 4 }), inst("b", { status: "stale" })];
    expect(decideAdmission({}, full, none)).toMatchObject({ kind: "scale-out", scaleOutTo: 2 });
    expect(decideAdmission({}, [], none)).toMatchObject({ kind: "scale-out", scaleOutTo: 1 });
  });

  it("counts queued runs as taking free slots first (queue pressure)", () => {
    const d = decideAdmission({}, [inst("a", { used: 2 })], { queued: 2 });
    expect(d.kind).toBe("scale-out");
    expect(d.reason).toContain("2 queued run(s)");
    expect(decideAdmission({}, [inst("a", { used: 2 })], { queued: 1 }).kind).toBe("assign");
  });

  it("queues globally when scale-out is off or at the instance maximum", () => {
    const full = [inst("a", { used: 4 })];
    expect(decideAdmission({}, full, none, { scaleOut: false }).kind).toBe("queue");
    const atMax = decideAdmission({}, full, none, { maxInstances: 1 });
    expect(atMax.kind).toBe("queue");
    expect(atMax.reason).toContain("at max 1");
    expect(decideAdmission({}, full, none, { maxInstances: 3 })).toMatchObject({
      kind: "scale-out",
      scaleOutTo: 2,
    });
  });

  it("rejects without a queue fallback, when disabled, and when the queue is full", () => {
    const full = [inst("a", { used: 4 })];
    const noFallback = decideAdmission({}, full, none, { scaleOut: false, queueFallback: false });
    expect(noFallback.kind).toBe("reject");
    expect(decideAdmission({}, [inst("a")], none, { enabled: false })).toEqual({
      kind: "reject",
      reason: "admission disabled",
    });
    const d = decideAdmission({}, [inst("a")], { queued: 5 }, { maxQueuedRuns: 5 });
    expect(d).toMatchObject({ kind: "reject", reason: "queue full (5 of 5 queued)" });
  });

  it("never assigns draining, stale or stopped instances", () => {
    const list = [
      inst("d", { status: "draining" }),
      inst("s", { status: "stale" }),
      inst("x", { status: "stopped" }),
    ];
    const d = decideAdmission({}, list, none, { scaleOut: false });
    expect(d.kind).toBe("queue");
    expect(d.instanceId).toBeUndefined();
  });

  it("throws USAGE for a missing request", () => {
    try {
      decideAdmission(null as unknown as AdmissionRequest, [], none);
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error) && error.code).toBe("USAGE");
    }
  });
});
