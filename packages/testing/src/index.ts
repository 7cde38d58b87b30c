/**
 * @packageDocumentation
 * `@ordo/testing`: the harness Ordo's own suites and plugin authors use. Start or connect a real
 * Redis (`REDIS_URL`, else a private `redis-server` on a unix socket) or a throwaway Redis
 * Cluster, isolate keys with a random prefix, run one step with `runStep()`, and talk to a local
 * OpenAI-compatible server.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, expect, it } from "vitest";
 * import { uniquePrefix, useRedis } from "@ordo/testing";
 *
 * const redis = useRedis({ beforeAll, afterAll });
 * it("stores a value", async () => {
 *   const key = `${uniquePrefix("demo")}:k`;
 *   await redis.client.set(key, "v");
 *   expect(await redis.client.get(key)).toBe("v");
 * });
 * ```
 */
export const PACKAGE = "@ordo/testing";
export type {
  ChatResponder,
  FakeChatMessage,
  FakeChatRequest,
  FakeModelBehaviour,
  OpenAiServer,
  OpenAiServerOptions,
  RecordedRequest,
  ScriptedFault,
} from "./openai-server.js";
export { startOpenAiServer } from "./openai-server.js";
export { approxTokens, fakeEmbedding } from "./openai-server-data.js";
export type {
  ClusterNode,
  RedisClusterHandle,
  StartRedisClusterOptions,
} from "./redis-cluster.js";
export { startRedisCluster } from "./redis-cluster.js";
export type {
  LifecycleHooks,
  RedisHandle,
  StartRedisOptions,
  UsedRedis,
} from "./redis-server.js";
export { startRedis, uniquePrefix, useRedis } from "./redis-server.js";
export type {
  CapturedEvent,
  CapturedLog,
  RunStepOptions,
  RunStepResult,
  TryRunStepResult,
} from "./run-step.js";
export { runStep, tryRunStep } from "./run-step.js";
