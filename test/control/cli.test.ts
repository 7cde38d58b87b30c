/**
 * `ordo queue` and `ordo instances` against a real control-plane HTTP adapter on Redis.
 */
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ordo } from "../cli/helpers.js";
import { echoIr, httpDeployment, runReaches } from "./helpers.js";

const TOKEN = "cli-token";
const env = httpDeployment(TOKEN);

describe("ordo queue / instances", () => {
  it("submits from an IR file, lists, pauses, cancels and shows status", async () => {
    const file = join(tmpdir(), `ordo-queue-${process.pid}.dag.json`);
    await writeFile(file, JSON.stringify(echoIr));
    expect((await ordo(["queue", "pause", "--reason", "cli test", ...env.api])).out).toBe(
      "queue paused\n",
    );
    const submitted = await ordo([
      "queue",
      "submit",
      file,
      "--input",
      '{"text":"cli"}',
      "--priority",
      "7",
      "--run-id",
      "c1",
      ...env.api,
    ]);
    expect(submitted.code).toBe(0);
    expect(submitted.out).toMatch(/^queued c1 \(execution [0-9a-f-]+\): scale-out, /);
    const list = await ordo(["queue", "list", "--status", "queued", ...env.api]);
    expect(list.out).toMatch(/^c1 +queued +prio +7 +echo +exec /);
    const status = await ordo(["queue", "status", "--json", ...env.api]);
    expect(JSON.parse(status.out)).toMatchObject({ paused: true, queued: 1 });
    const cancelled = await ordo(["queue", "cancel", "c1", "--reason", "no", ...env.api]);
    expect(cancelled.out).toContain("cancelled");
    expect((await env.d.control.queue.get("c1"))?.status).toBe("cancelled");
    expect((await ordo(["queue", "resume", ...env.api])).out).toBe("queue resumed\n");
    const events = await ordo(["queue", "events", ...env.api]);
    expect(events.out).toContain("run.cancelled  c1  no");
  });

  it("runs a submitted run on an instance and manages instances", async () => {
    env.d.startWorker();
    const instance = await env.d.control.startInstance({ runSlots: 2, idleWaitMs: 50 });
    const file = join(tmpdir(), `ordo-queue2-${process.pid}.dag.json`);
    await writeFile(file, JSON.stringify(echoIr));
    await ordo(["queue", "submit", file, "--run-id", "c2", ...env.api]);
    await runReaches(env.d.control, "c2", "completed");
    expect((await ordo(["queue", "get", "c2", ...env.api])).out).toMatch(/^c2 +completed/);
    const listed = await ordo(["instances", "list", ...env.api]);
    expect(listed.out).toContain(`${instance.instanceId}  ready`);
    const drained = await ordo(["instances", "drain", instance.instanceId, ...env.api]);
    expect(drained.out).toContain("draining");
    const removed = await ordo(["instances", "remove", instance.instanceId, "--json", ...env.api]);
    expect(JSON.parse(removed.out)).toMatchObject({ status: "stopped" });
    expect((await ordo(["instances", "list", ...env.api])).out).toBe("no instances\n");
    expect((await ordo(["instances", "list", "--all", ...env.api])).out).toContain("stopped");
    await instance.close();
  });

  it("maps API errors and usage errors to exit codes", async () => {
    const missing = await ordo(["queue", "get", "nope", ...env.api]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("RUN_NOT_FOUND");
    const denied = await ordo(["queue", "status", "--url", env.http.url, "--token", "bad"]);
    expect(denied.err).toContain("UNAUTHORIZED");
    expect((await ordo(["queue", "frobnicate", ...env.api])).code).toBe(2);
    expect((await ordo(["instances", "drain", ...env.api])).code).toBe(2);
    expect((await ordo(["serve"])).code).toBe(2);
  });
});
