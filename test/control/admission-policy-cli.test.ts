/**
 * `ordo admission show|set|clear` through the HTTP adapter (bearer auth) and straight on Redis,
 * and the `/admission/policy` routes themselves: round trips, validation errors as 400 with the
 * policy code, unauthenticated calls refused.
 */
import { describe, expect, it } from "vitest";
import { ordo } from "../cli/helpers.js";
import { httpDeployment } from "./helpers.js";

const TOKEN = "admission-token";
const env = httpDeployment(TOKEN);

async function call(method: string, body?: unknown, token = TOKEN) {
  const res = await fetch(`${env.http.url}/admission/policy`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("admission policy over HTTP", () => {
  it("PUT, GET and DELETE round-trip; invalid policies are 400 with their code", async () => {
    expect(await call("GET")).toEqual({ status: 200, body: { policy: null } });
    const put = await call("PUT", { blockedProviders: ["openai"], reason: "outage" });
    expect(put.status).toBe(200);
    expect(put.body.policy).toMatchObject({
      setBy: "http",
      policy: { blockedProviders: ["openai"], reason: "outage" },
    });
    expect((await env.d.control.admissionPolicy.get())?.policy.blockedProviders).toEqual([
      "openai",
    ]);
    expect((await call("GET")).body.policy).toEqual(put.body.policy);
    const bad = await call("PUT", { blockedProvider: ["openai"] });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { code: string }).code).toBe("IR_UNKNOWN_POLICY_FIELD");
    expect((await call("PUT", {})).status).toBe(400);
    expect((await call("DELETE", undefined, "wrong")).status).toBe(401);
    expect(await call("DELETE")).toEqual({ status: 200, body: { cleared: true } });
    expect(await call("DELETE")).toEqual({ status: 200, body: { cleared: false } });
  });
});

describe("ordo admission", () => {
  it("sets from flags, shows and clears through the API", async () => {
    const set = await ordo([
      "admission",
      "set",
      "--block-provider",
      "openai,azure",
      "--block-provider",
      "cohere",
      "--allow-model",
      "anthropic:*",
      "--require-provider",
      "--reason",
      "outage",
      "--retry-after",
      "5000",
      ...env.api,
    ]);
    expect(set.code).toBe(0);
    expect(set.out).toMatch(/^admission policy v\d+, set by http at /);
    expect(set.out).toContain("  blockedProviders: openai, azure, cohere\n");
    expect((await env.d.control.admissionPolicy.get())?.policy).toEqual({
      blockedProviders: ["openai", "azure", "cohere"],
      allowedModels: ["anthropic:*"],
      requireProvider: true,
      reason: "outage",
      retryAfterMs: 5000,
    });
    const shown = await ordo(["admission", "show", "--json", ...env.api]);
    expect(JSON.parse(shown.out).policy.policy.retryAfterMs).toBe(5000);
    const cleared = await ordo(["admission", "clear", ...env.api]);
    expect(cleared.out).toBe("admission policy cleared: waiting steps run on their next retry\n");
    expect((await ordo(["admission", "show", ...env.api])).out).toBe(
      "no admission policy: every step is admitted\n",
    );
  });

  it("works straight on Redis, and reports bad arguments and invalid policies", async () => {
    const url =
      typeof env.redis.connection === "string"
        ? env.redis.connection
        : ((env.redis.connection as { path?: string }).path ?? "");
    const direct = ["--redis", url, "--prefix", env.d.prefix];
    const set = await ordo(["admission", "set", "--allow-operation", "llm.chat", ...direct]);
    expect(set.out).toMatch(/set by cli/);
    expect((await env.d.control.admissionPolicy.get())?.policy).toEqual({
      allowedOperations: ["llm.chat"],
    });
    expect((await ordo(["admission", "clear", ...direct])).code).toBe(0);
    expect(await env.d.control.admissionPolicy.get()).toBeUndefined();
    const noRule = await ordo(["admission", "set", "--reason", "x", ...env.api]);
    expect(noRule.code).not.toBe(0);
    expect(noRule.err).toContain("IR_INVALID_POLICY");
    const badModel = await ordo(["admission", "set", "--block-model", "gpt-4o", ...env.api]);
    expect(badModel.err).toContain("provider:model");
    expect((await ordo(["admission", "set", "--retry-after", "soon", ...env.api])).code).toBe(2);
    expect((await ordo(["admission", "drop", ...env.api])).code).toBe(2);
  });
});
