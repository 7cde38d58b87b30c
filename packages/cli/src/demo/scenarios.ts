/**
 * The enterprise demo scenarios (SEED-SPEC section 16, without the reference's inconsistencies):
 * pipelines built as IR in code, run by the plugins of `./plugins.ts`.
 *
 * - `json`: 12 steps exercising retry, provider throttling, large payloads and retention;
 * - `throttling-100`: 100 provider steps over five providers, `openai` limited to 3 at once;
 * - `chaos-100` / `chaos-500`: wide fan-out with deterministic flaky providers and retries;
 * - `hitl`: a draft, a human approval typed at the prompt, then publishing.
 */
import {
  definitionFingerprint,
  type JsonValue,
  type PipelineIR,
  type PolicySet,
  type StepIR,
  type StepMetadata,
} from "@ordo/core";
import type { StepPlugin } from "@ordo/step";
import { DEMO_PLUGINS } from "./plugins.js";

/** One step of a scenario, compactly. */
interface S {
  readonly id: string;
  readonly type?: string;
  readonly deps?: readonly string[];
  readonly inputs?: Record<string, JsonValue>;
  readonly metadata?: StepMetadata;
  readonly policies?: PolicySet;
  readonly config?: Record<string, JsonValue>;
}

function step(s: S): StepIR {
  return {
    id: s.id,
    type: s.type ?? "demo.work",
    typeVersion: "1.0.0",
    dependsOn: [...(s.deps ?? [])].sort(),
    inputs: s.inputs ?? {},
    config: s.config ?? {},
    metadata: s.metadata ?? {},
    trigger: "all_success",
    schemas: { input: {}, output: {} },
    ...(s.policies ? { policies: s.policies } : {}),
  };
}

function pipelineOf(name: string, steps: S[], policies: PolicySet): PipelineIR {
  return {
    ordo: 1,
    name,
    version: "1.0.0",
    input: { type: "object" },
    steps: steps.map(step),
    policies,
  };
}

const retryFixed = (maxAttempts: number, ms: number) =>
  ({ maxAttempts, strategy: "fixed", baseDelayMs: ms, maxDelayMs: 500 }) as const;

/** `json`: the 12-step enterprise pipeline. */
export function jsonScenario(): PipelineIR {
  const provider = { provider: "demo-provider", model: "demo-model" };
  return pipelineOf(
    "enterprise-runtime-demo",
    [
      { id: "start", inputs: { ms: 0 } },
      { id: "load-context", deps: ["start"], inputs: { ms: 250 } },
      ...["policy", "customer", "risk"].map((what) => ({
        id: `retrieve-${what === "customer" ? "customer-data" : what === "risk" ? "risk-data" : what}`,
        deps: ["load-context"],
        inputs: { ms: 500 },
        metadata: { ...provider, operation: `${what}.lookup` },
      })),
      {
        id: "transient-provider-call",
        type: "demo.flaky",
        deps: ["retrieve-policy"],
        inputs: { ms: 250, failAttempts: 1 },
        policies: { retry: retryFixed(3, 100) },
      },
      {
        id: "generate-large-context",
        type: "demo.large",
        deps: ["retrieve-customer-data"],
        inputs: { bytes: 128 * 1024 },
      },
      {
        id: "compose-result",
        deps: ["transient-provider-call", "retrieve-risk-data", "generate-large-context"],
        inputs: { ms: 300 },
      },
      { id: "audit-result", deps: ["compose-result"] },
      {
        id: "persist-summary",
        type: "demo.large",
        deps: ["audit-result"],
        inputs: { bytes: 64 * 1024 },
      },
      { id: "final-validation", deps: ["persist-summary"] },
      { id: "finalize", deps: ["final-validation"] },
    ],
    {
      concurrency: [{ scope: "provider", key: "demo-provider", limit: 2, retryAfterMs: 1_000 }],
      retention: {
        hot: "evict",
        // Small on purpose (the reference demo's value): the 128 KB and 64 KB outputs go to the
        // durable store and hot state keeps a ~90-byte reference.
        inlineMaxBytes: 512,
        reason: "enterprise-runtime-demo-retention",
      },
    },
  );
}

/** Deterministic pseudo-random in [0, 1) from an integer (the demo is reproducible). */
function unit(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

const PROVIDER_BANDS: readonly [number, string, string][] = [
  [0.7, "openai", "gpt-4.1"],
  [0.78, "anthropic", "claude-sonnet"],
  [0.86, "google", "gemini-pro"],
  [0.94, "mistral", "mistral-large"],
  [1, "cohere", "command-r"],
];

/** `throttling-100`: 98 provider calls between a root and a join; `openai` limited to 3. */
export function throttlingScenario(): PipelineIR {
  const middle: S[] = Array.from({ length: 98 }, (_, k) => {
    const [, provider, model] = PROVIDER_BANDS.find(([edge]) => unit(k + 1) < edge)!;
    return {
      id: `call-${String(k + 2).padStart(3, "0")}`,
      deps: ["root"],
      inputs: { ms: 400 },
      metadata: { provider, model, operation: "llm.chat" },
    };
  });
  return pipelineOf(
    "throttling-100",
    [
      { id: "root", inputs: { ms: 200 } },
      ...middle,
      { id: "final-join", deps: middle.map((m) => m.id), inputs: { ms: 250 } },
    ],
    { concurrency: [{ scope: "provider", key: "openai", limit: 3, retryAfterMs: 2_000 }] },
  );
}

/** `chaos-<n>`: a root, n-2 fan-out steps (every `flakyEvery`-th fails once), a final join. */
export function chaosScenario(n: number, flakyEvery: number, providerLimit: number): PipelineIR {
  const middle: S[] = Array.from({ length: n - 2 }, (_, k): S => {
    const index = k + 2;
    const id = `chaos-step-${String(index).padStart(3, "0")}`;
    const metadata = { provider: "openai", model: "gpt-4.1", operation: "llm.chat" };
    // 20 ms steps (not 1 ms): long enough for a killed worker to die with work in flight.
    if (index % flakyEvery !== 0) {
      return { id, deps: ["chaos-step-001"], inputs: { ms: 20 }, metadata };
    }
    return {
      id,
      deps: ["chaos-step-001"],
      type: "demo.flaky",
      inputs: { ms: 20, failAttempts: 1 },
      policies: { retry: retryFixed(3, 15) },
      metadata,
    };
  });
  return pipelineOf(
    `chaos-${n}`,
    [
      { id: "chaos-step-001", inputs: { ms: 1 } },
      ...middle,
      {
        id: "final-join-step",
        deps: middle.map((m) => m.id),
        inputs: { ms: 5 },
        metadata: { operation: "llm.compose" },
      },
    ],
    {
      concurrency: [
        { scope: "provider", key: "openai", limit: providerLimit, retryAfterMs: 1_000 },
      ],
      // Short leases: a killed worker's steps are recovered within 3 s. Not shorter: a step's
      // provider lease expires with its step lease, and with 30 workers on one busy event loop a
      // heartbeat can be a second late; the lease then lapses while the call still runs and its
      // slot goes to another step (1 s leases showed 13-16 calls at once for a limit of 12).
      timeout: { leaseMs: 3_000, heartbeatMs: 500 },
    },
  );
}

/** `hitl`: draft, a human approval (typed at the prompt), then publish. */
export function hitlScenario(): PipelineIR {
  return pipelineOf(
    "hitl-approval",
    [
      { id: "draft", inputs: { ms: 200 } },
      {
        id: "approve",
        type: "ordo.human-input",
        deps: ["draft"],
        inputs: { prompt: "Publish the draft? Answer yes or no", timeoutMs: 300_000 },
        config: { responseSchema: { type: "string", enum: ["yes", "no"] } },
      },
      { id: "publish", deps: ["approve"], inputs: { ms: 100 } },
    ],
    {},
  );
}

/** A scenario's pipeline, ready for the demo command's table. */
export function loaded(ir: PipelineIR): {
  pipeline: { ir: PipelineIR; fingerprint: string; modulePlugins: readonly StepPlugin[] };
  plugins: readonly StepPlugin[];
  input: JsonValue;
} {
  return {
    pipeline: { ir, fingerprint: definitionFingerprint(ir), modulePlugins: [] },
    plugins: DEMO_PLUGINS,
    input: {},
  };
}
