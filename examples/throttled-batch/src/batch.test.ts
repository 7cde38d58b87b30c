/**
 * The batch example really runs: 130 tickets, 260 LLM calls against the local server (~20 ms
 * each), two workers with 16 slots each, and `throttle.provider("local", 4)`: the server must
 * never see more than 4 calls at once, and every ticket must be triaged correctly.
 */
import { createEmbeddedRuntime, createWorker } from "@ordo/runtime";
import { startOpenAiServer } from "@ordo/testing";
import { describe, expect, test } from "vitest";
import { runBatch } from "./batch.js";
import { instrumentedModel } from "./model.js";
import triage, { PROVIDER_LIMIT, triagePipeline } from "./pipeline.js";
import { createBatchPlugins } from "./plugins.js";
import { makeTickets } from "./tickets.js";

const TICKETS = 130;
const SLOTS_PER_WORKER = 16;

/** Runs the batch on a fresh server and runtime (two workers sharing one embedded engine). */
async function runOnce(pipeline: Parameters<typeof runBatch>[1]) {
  const model = instrumentedModel(20);
  const server = await startOpenAiServer({ responder: model.responder });
  const plugins = createBatchPlugins(server.baseURL, "local");
  const ordo = createEmbeddedRuntime({ plugins, concurrency: SLOTS_PER_WORKER });
  const second = createWorker({
    connection: { embedded: ordo.engine },
    plugins,
    concurrency: SLOTS_PER_WORKER,
  });
  try {
    const tickets = makeTickets(TICKETS);
    const report = await runBatch(ordo.client, pipeline, tickets, 90_000);
    const chat = server.requests.filter((r) => r.path === "/v1/chat/completions");
    return { ...report, tickets, model, chatRequests: chat.length };
  } finally {
    await second.close();
    await ordo.close();
    await server.close();
  }
}

describe("throttled batch", () => {
  test("without a limit the batch overloads the provider (the gauge can see overload)", async () => {
    const { results, model } = await runOnce(triagePipeline({ providerLimit: undefined }));
    expect(results).toHaveLength(TICKETS);
    expect(model.maxInFlight()).toBeGreaterThan(PROVIDER_LIMIT);
  }, 90_000);

  test(`under throttle.provider("local", ${PROVIDER_LIMIT}) the provider never sees more than ${PROVIDER_LIMIT} calls at once`, async () => {
    const { results, tickets, model, chatRequests } = await runOnce(triage);
    expect(results).toHaveLength(TICKETS);
    expect(model.calls()).toBe(TICKETS * 2);
    expect(chatRequests).toBe(TICKETS * 2);
    expect(model.maxInFlight()).toBeLessThanOrEqual(PROVIDER_LIMIT);
    // The limit bounds concurrency; it must not serialise the batch either.
    expect(model.maxInFlight()).toBeGreaterThan(1);
    results.forEach((result, i) => {
      expect(result.id).toBe(tickets[i]?.id);
      expect(result.category).toBe(tickets[i]?.expected);
    });
    expect(results[0]?.summary).toBe("I was charged twice for order");
  }, 90_000);
});
