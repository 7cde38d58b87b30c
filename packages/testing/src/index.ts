/**
 * @packageDocumentation
 * @ordo/testing (work in progress).
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
  CapturedEvent,
  CapturedLog,
  RunStepOptions,
  RunStepResult,
  TryRunStepResult,
} from "./run-step.js";
export { runStep, tryRunStep } from "./run-step.js";
