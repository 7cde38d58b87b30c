/**
 * `createLlmStep()`: the runnable `ordo.llm` plugin. Resolves the failover list, serves cached
 * answers, calls providers in order, prices the answer and records usage.
 */
import {
  implementStep,
  NonRetryableError,
  OrdoError,
  RetryAfterError,
  type StepContext,
  type StepPlugin,
} from "@ordo/step";
import { InMemoryLlmCache, type LlmCache, type LlmCacheEntry, llmCacheKey } from "./cache.js";
import {
  type CallFailure,
  type ChatParams,
  callChat,
  classifyFailure,
  type LlmCandidate,
} from "./call.js";
import {
  type LlmConfig,
  type LlmInput,
  type LlmOutput,
  type LlmProvider,
  type llmConfigSchema,
  llmContract,
  type llmInputSchema,
  type llmOutputSchema,
  type ModelPrice,
} from "./contract.js";
import { costUsd, DEFAULT_PRICES } from "./prices.js";
import { structuredOf } from "./structured.js";

/** Options of {@link createLlmStep}: worker-side settings that never enter the IR. */
export interface LlmStepOptions {
  /** Failover list used when the step config has none. Default: one `openai` provider (SDK defaults). */
  readonly providers?: readonly LlmProvider[];
  /** Response cache. Default: a new {@link InMemoryLlmCache}. */
  readonly cache?: LlmCache;
  /** Prices merged over {@link DEFAULT_PRICES} (step config `prices` wins over both). */
  readonly prices?: Readonly<Record<string, ModelPrice>>;
  /** Where `apiKeyEnv` is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Ctx = StepContext<LlmConfig>;

/** The plugin type returned by {@link createLlmStep}. */
export type LlmStepPlugin = StepPlugin<
  typeof llmInputSchema,
  typeof llmOutputSchema,
  typeof llmConfigSchema
>;

function messagesOf(input: LlmInput): ChatParams["messages"] {
  const messages: ChatParams["messages"] = [];
  if (input.system !== undefined) messages.push({ role: "system", content: input.system });
  if (input.context !== undefined) {
    const context = Array.isArray(input.context) ? input.context.join("\n\n") : input.context;
    messages.push({ role: "system", content: `Context:\n${context}` });
  }
  messages.push(...(input.messages ?? []));
  if (input.prompt !== undefined) messages.push({ role: "user", content: input.prompt });
  return messages;
}

function candidatesOf(config: LlmConfig, ctx: Ctx, options: LlmStepOptions): LlmCandidate[] {
  const providers = config.providers ??
    options.providers ?? [{ name: ctx.metadata.provider ?? "openai" }];
  const model = config.model ?? ctx.metadata.model;
  const candidates: LlmCandidate[] = [];
  for (const provider of providers) {
    const models = provider.models ?? (model === undefined ? [] : [model]);
    for (const m of models) candidates.push({ provider, model: m });
  }
  if (candidates.length === 0) {
    throw new NonRetryableError(
      `step ${ctx.stepId}: no model to call; set config.model, metadata.model or providers[].models`,
      { details: { stepId: ctx.stepId } },
    );
  }
  return candidates;
}

function apiKeyOf(provider: LlmProvider, options: LlmStepOptions): string {
  const env = options.env ?? process.env;
  const key = provider.apiKey ?? env[provider.apiKeyEnv ?? "OPENAI_API_KEY"];
  if (key === undefined || key === "") {
    throw new NonRetryableError(
      `provider '${provider.name}' has no API key: set the environment variable ${provider.apiKeyEnv ?? "OPENAI_API_KEY"} on the worker`,
      { details: { provider: provider.name } },
    );
  }
  return key;
}

function paramsOf(input: LlmInput, config: LlmConfig): ChatParams {
  return {
    messages: messagesOf(input),
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(config.maxTokens === undefined ? {} : { max_tokens: config.maxTokens }),
    ...(config.responseFormat === undefined
      ? {}
      : {
          response_format: {
            type: "json_schema" as const,
            json_schema: {
              name: config.responseFormat.name,
              schema: config.responseFormat.schema,
              strict: true,
            },
          },
        }),
  };
}

function outputOf(
  entry: LlmCacheEntry,
  cached: boolean,
  failovers: LlmOutput["failovers"],
  config: LlmConfig,
  ctx: Ctx,
  prices: Readonly<Record<string, ModelPrice>>,
): LlmOutput {
  const cost = costUsd(entry.usage, entry.model, prices);
  if (cost === undefined) {
    ctx.logger.warn(`no price for model ${entry.model}: cost reported as 0`, {
      model: entry.model,
    });
  }
  const json = structuredOf(entry.text, config.responseFormat, ctx);
  const output: LlmOutput = {
    text: entry.text,
    ...(json === undefined ? {} : { json }),
    provider: entry.provider,
    model: entry.model,
    finishReason: entry.finishReason,
    usage: entry.usage,
    costUsd: cached ? 0 : (cost ?? 0),
    answerCostUsd: cost ?? 0,
    unpriced: cost === undefined,
    cached,
    failovers,
  };
  ctx.emit("llm.usage", {
    provider: output.provider,
    model: output.model,
    inputTokens: output.usage.inputTokens,
    outputTokens: output.usage.outputTokens,
    costUsd: output.costUsd,
    cached,
  });
  return output;
}

function failureToError(
  failovers: LlmOutput["failovers"],
  failures: CallFailure[],
  ctx: Ctx,
): Error {
  const limited = failures.filter((f) => f.kind === "rate-limited");
  const trail = failovers.map((f) => `${f.provider}/${f.model}: ${f.status}`).join(", ");
  if (limited.length > 0) {
    const wait = Math.min(...limited.map((f) => f.retryAfterMs));
    return new RetryAfterError(
      `step ${ctx.stepId}: every provider is rate limited (${trail})`,
      wait,
      {
        details: { stepId: ctx.stepId, failovers },
      },
    );
  }
  return new OrdoError("STEP_FAILED", `step ${ctx.stepId}: every provider failed (${trail})`, {
    retryable: true,
    details: { stepId: ctx.stepId, failovers },
  });
}

/** The cache key of this step's request, or undefined when caching is off. */
function cacheKeyOf(params: ChatParams, candidates: LlmCandidate[], ctx: Ctx): string | undefined {
  const scope = ctx.config.cache ?? "step";
  if (scope === "off") return undefined;
  const fingerprint = {
    params,
    candidates: candidates.map((c) => ({
      provider: c.provider.name,
      baseURL: c.provider.baseURL,
      model: c.model,
    })),
  };
  return llmCacheKey(fingerprint, scope === "step" ? ctx.idempotencyKey : undefined);
}

/** Turns one failed call into a thrown error (abort, 4xx) or a failover record. */
function recordFailure(
  error: unknown,
  candidate: LlmCandidate,
  ctx: Ctx,
  failovers: LlmOutput["failovers"],
): CallFailure {
  if (error instanceof OrdoError) throw error;
  const failure = classifyFailure(error, ctx.signal);
  if (failure.kind === "aborted") throw ctx.signal.reason ?? error;
  const where = { provider: candidate.provider.name, model: candidate.model };
  if (failure.kind === "fatal") {
    throw new NonRetryableError(
      `step ${ctx.stepId}: ${where.provider}/${where.model} refused the request (${failure.status}): ${failure.message}`,
      { details: { stepId: ctx.stepId, ...where, status: failure.status }, cause: error },
    );
  }
  failovers.push({ ...where, status: failure.status, message: failure.message });
  ctx.logger.warn("llm provider failed, trying the next one", { ...where, status: failure.status });
  ctx.emit("llm.failover", { ...where, status: failure.status });
  return failure;
}

/** A failed cache write must not fail a step whose answer is already paid for. */
async function storeInCache(cache: LlmCache, key: string, entry: LlmCacheEntry, ctx: Ctx) {
  try {
    await cache.set(key, entry);
  } catch (error) {
    ctx.logger.warn("llm answer not cached: a rerun of this step would call the provider again", {
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

async function runLlm(
  input: LlmInput,
  ctx: Ctx,
  options: LlmStepOptions,
  cache: LlmCache,
): Promise<LlmOutput> {
  const config = ctx.config;
  const prices = { ...DEFAULT_PRICES, ...options.prices, ...config.prices };
  const candidates = candidatesOf(config, ctx, options);
  const params = paramsOf(input, config);
  const key = cacheKeyOf(params, candidates, ctx);
  const hit = key === undefined ? undefined : await cache.get(key);
  if (hit !== undefined) {
    ctx.logger.info("llm answer served from cache", { provider: hit.provider, model: hit.model });
    if (config.stream === true) {
      ctx.emit("llm.delta", {
        text: hit.text,
        provider: hit.provider,
        model: hit.model,
        cached: true,
      });
    }
    return outputOf(hit, true, [], config, ctx, prices);
  }
  const failovers: LlmOutput["failovers"] = [];
  const failures: CallFailure[] = [];
  const callOptions = {
    stream: config.stream === true,
    timeoutMs: config.requestTimeoutMs ?? 60_000,
  };
  for (const candidate of candidates) {
    const apiKey = apiKeyOf(candidate.provider, options);
    try {
      const answer = await callChat(candidate, apiKey, params, callOptions, ctx);
      if (!answer.usageReported) {
        ctx.logger.warn("provider reported no token usage", { provider: candidate.provider.name });
      }
      const entry: LlmCacheEntry = {
        text: answer.text,
        provider: candidate.provider.name,
        model: candidate.model,
        finishReason: answer.finishReason,
        usage: answer.usage,
        createdAt: Date.now(),
      };
      const output = outputOf(entry, false, failovers, config, ctx, prices);
      // cache only answers that passed validation, before returning: a crash after this line
      // (before the runtime records completion) costs nothing on the next attempt
      if (key !== undefined) await storeInCache(cache, key, entry, ctx);
      return output;
    } catch (error) {
      failures.push(recordFailure(error, candidate, ctx, failovers));
    }
  }
  throw failureToError(failovers, failures, ctx);
}

/**
 * Creates the `ordo.llm` plugin. Register the result on a worker; pipelines use the sdk's `llm()`
 * declaration, which has the same type, version and schemas.
 *
 * @example
 * ```ts
 * import { createLlmStep, FileLlmCache } from "@ordo/step-llm";
 *
 * export const llmPlugin = createLlmStep({
 *   providers: [
 *     { name: "openai", apiKeyEnv: "OPENAI_API_KEY", models: ["gpt-4.1-mini"] },
 *     { name: "backup", baseURL: "http://127.0.0.1:8000/v1", apiKeyEnv: "BACKUP_KEY", models: ["llama-3.1-8b"] },
 *   ],
 *   cache: new FileLlmCache(".ordo/llm-cache"),
 *   prices: { "llama-3.1-8b": { inputPer1M: 0.05, outputPer1M: 0.08 } },
 * });
 * ```
 */
export function createLlmStep(options: LlmStepOptions = {}): LlmStepPlugin {
  const cache = options.cache ?? new InMemoryLlmCache();
  return implementStep(llmContract, (input, ctx) => runLlm(input, ctx, options, cache));
}
