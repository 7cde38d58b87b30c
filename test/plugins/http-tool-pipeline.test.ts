/**
 * HTTP tools in sdk pipelines: the generic `tool.http()` declaration and a typed
 * `defineHttpTool()` plugin used through `use()` compile to IR that the plugins execute.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveValue } from "@ordo/core";
import { pipeline, tool, use } from "@ordo/sdk";
import { createHttpToolStep, defineHttpTool } from "@ordo/step-http";
import { runStep } from "@ordo/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ path: req.url, name: "Ada" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("HTTP tools in pipelines", () => {
  it("a typed tool used with use() compiles with its schemas and runs from the IR", async () => {
    const getUser = defineHttpTool({
      type: "acme.user",
      version: "1.0.0",
      method: "GET",
      url: `${base}/users/{id}`,
      request: z.object({ id: z.string() }),
      response: z.object({ path: z.string(), name: z.string() }),
    });
    const ir = pipeline({
      name: "users",
      version: "1.0.0",
      input: z.object({ userId: z.string() }),
    })
      .step(
        "user",
        use(getUser, ($) => ({ id: $.input.userId })),
      )
      .output(($) => ({ name: $.steps.user.output.body.name }))
      .compile();
    const step = ir.steps[0]!;
    expect([step.type, step.typeVersion]).toEqual(["acme.user", "1.0.0"]);
    expect(step.schemas.output).toEqual(z.toJSONSchema(getUser.output, { io: "output" }));
    const input = resolveValue(step.inputs, { input: { userId: "u 1" }, steps: {} });
    // the IR resolves to JSON; runStep validates it against the plugin's input schema
    const { output } = await runStep(getUser, input as z.input<typeof getUser.input>);
    expect(output.body).toEqual({ path: "/users/u%201", name: "Ada" });
    expect(resolveValue(ir.output ?? {}, { input: {}, steps: { user: output } })).toEqual({
      name: "Ada",
    });
  });

  it("tool.http config from the IR reaches the plugin", async () => {
    const ir = pipeline({ name: "ping", version: "1.0.0", input: z.object({ q: z.string() }) })
      .step(
        "call",
        tool.http(($) => ({ url: `${base}/search`, query: { q: $.input.q } }), {
          okStatuses: [200],
        }),
      )
      .compile();
    const step = ir.steps[0]!;
    expect(step.config).toEqual({ okStatuses: [200] });
    const input = resolveValue(step.inputs, { input: { q: "x y" }, steps: {} });
    const plugin = createHttpToolStep();
    const { output } = await runStep(plugin, input as z.input<typeof plugin.input>, {
      config: step.config,
    });
    expect(output.body).toEqual({ path: "/search?q=x+y", name: "Ada" });
  });
});
