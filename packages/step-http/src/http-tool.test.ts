import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isOrdoError, NonRetryableError, RetryAfterError } from "@ordo/step";
import { runStep, tryRunStep } from "@ordo/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createHttpToolStep, defineHttpTool } from "./http-tool.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}
let server: Server;
let base: string;
let seen: Seen[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    const path = (req.url ?? "").split("?")[0];
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(value));
    };
    if (path === "/echo")
      return json(200, { method: req.method, url: req.url, body: body ? JSON.parse(body) : null });
    if (path === "/limited") return json(429, { error: "slow down" }, { "retry-after": "2" });
    if (path === "/down") return json(503, { error: "down" });
    if (path === "/missing") return json(404, { error: "nope" });
    if (path === "/text") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end("plain words");
    }
    if (path === "/big") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end("x".repeat(5_000));
    }
    if (path === "/slow") {
      setTimeout(() => json(200, { late: true }), 1_000);
      return;
    }
    if (path?.startsWith("/users/"))
      return json(200, { id: decodeURIComponent(path.slice(7)), name: "Ada" });
    if (path === "/users-bad") return json(200, { id: 1 });
    return json(500, { error: "no route" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
});

const tool = createHttpToolStep({ env: { API_TOKEN: "t0k" } });

describe("ordo.tool.http", () => {
  it("sends method, query, headers and JSON body; parses a JSON response", async () => {
    const { output } = await runStep(
      tool,
      {
        url: `${base}/echo`,
        method: "PUT",
        query: { q: "a b", n: 2 },
        headers: { "x-trace": "1" },
        body: { hello: "world" },
      },
      { config: { bearerTokenEnv: "API_TOKEN" } },
    );
    expect(output.status).toBe(200);
    expect(output.body).toEqual({
      method: "PUT",
      url: "/echo?q=a+b&n=2",
      body: { hello: "world" },
    });
    expect(output.headers["content-type"]).toBe("application/json");
    expect(output.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen[0]?.headers["x-trace"]).toBe("1");
    expect(seen[0]?.headers.authorization).toBe("Bearer t0k");
    expect(seen[0]?.headers["content-type"]).toBe("application/json");
  });

  it("defaults to GET without a body and returns text bodies as text", async () => {
    const { output } = await runStep(tool, { url: `${base}/text` });
    expect(output.body).toBe("plain words");
    expect(seen[0]?.method).toBe("GET");
  });

  it("maps 429 to RetryAfterError, 5xx to retryable, 4xx to NonRetryableError", async () => {
    const limited = await tryRunStep(tool, { url: `${base}/limited` });
    expect(!limited.ok && limited.error).toBeInstanceOf(RetryAfterError);
    expect(!limited.ok && (limited.error as RetryAfterError).retryAfterMs).toBe(2000);
    const down = await tryRunStep(tool, { url: `${base}/down` });
    expect(!down.ok && isOrdoError(down.error) && [down.error.code, down.error.retryable]).toEqual([
      "STEP_FAILED",
      true,
    ]);
    const missing = await tryRunStep(tool, { url: `${base}/missing` });
    expect(!missing.ok && missing.error).toBeInstanceOf(NonRetryableError);
    const accepted = await runStep(
      tool,
      { url: `${base}/missing` },
      { config: { okStatuses: [404] } },
    );
    expect(accepted.output.status).toBe(404);
  });

  it("times out on its own timeout (retryable) and on the step signal", async () => {
    const own = await tryRunStep(
      tool,
      { url: `${base}/slow` },
      { config: { requestTimeoutMs: 50 } },
    );
    expect(!own.ok && isOrdoError(own.error) && [own.error.code, own.error.retryable]).toEqual([
      "STEP_TIMEOUT",
      true,
    ]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled by test")), 30);
    const cancelled = await tryRunStep(
      tool,
      { url: `${base}/slow` },
      { signal: controller.signal },
    );
    expect(!cancelled.ok && (cancelled.error as Error).message).toBe("cancelled by test");
  });

  it("treats connection failures as retryable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await tryRunStep(tool, { url: `http://127.0.0.1:${port}/` });
    expect(!result.ok && isOrdoError(result.error) && result.error.retryable).toBe(true);
  });

  it("enforces allowedHosts before sending, the response size cap, and a set token variable", async () => {
    const denied = await tryRunStep(
      tool,
      { url: `${base}/echo` },
      { config: { allowedHosts: ["api.example.com"] } },
    );
    expect(!denied.ok && denied.error).toBeInstanceOf(NonRetryableError);
    expect(seen).toHaveLength(0);
    const host = new URL(base).host;
    await runStep(tool, { url: `${base}/echo` }, { config: { allowedHosts: [host] } });
    const big = await tryRunStep(
      tool,
      { url: `${base}/big` },
      { config: { maxResponseBytes: 1_000 } },
    );
    expect(!big.ok && big.error).toBeInstanceOf(NonRetryableError);
    const noToken = await tryRunStep(
      tool,
      { url: `${base}/echo` },
      { config: { bearerTokenEnv: "UNSET" } },
    );
    expect(!noToken.ok && noToken.error).toBeInstanceOf(NonRetryableError);
  });
});

describe("defineHttpTool", () => {
  it("expands the URL template, sends other fields as query, validates the response", async () => {
    const getUser = defineHttpTool({
      type: "test.user",
      version: "1.0.0",
      method: "GET",
      url: `${base}/users/{id}`,
      request: z.object({ id: z.string(), expand: z.boolean().optional() }),
      response: z.object({ id: z.string(), name: z.string() }),
    });
    const { output } = await runStep(getUser, { id: "a/b", expand: true });
    expect(output).toEqual({
      status: 200,
      body: { id: "a/b", name: "Ada" },
      durationMs: expect.any(Number),
    });
    expect(seen[0]?.url).toBe("/users/a%2Fb?expand=true");
    await expect(runStep(getUser, { id: 3 } as never)).rejects.toMatchObject({
      code: "INPUT_INVALID",
    });
  });

  it("fails without retry when the response does not match, and posts JSON bodies", async () => {
    const bad = defineHttpTool({
      type: "test.bad",
      version: "1.0.0",
      method: "GET",
      url: `${base}/users-bad`,
      request: z.object({}),
      response: z.object({ id: z.string() }),
    });
    const result = await tryRunStep(bad, {});
    expect(!result.ok && result.error).toBeInstanceOf(NonRetryableError);
    const post = defineHttpTool({
      type: "test.post",
      version: "1.0.0",
      method: "POST",
      url: `${base}/echo`,
      request: z.object({ title: z.string() }),
      response: z.object({ method: z.string(), body: z.object({ title: z.string() }) }),
    });
    const { output } = await runStep(post, { title: "hi" });
    expect(output.body).toMatchObject({ method: "POST", body: { title: "hi" } });
  });
});
