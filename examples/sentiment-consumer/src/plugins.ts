/**
 * Every plugin a worker needs for `review-routing`: the third-party one and the consumer's own.
 */
import { sentimentStep } from "@acme/ordo-step-sentiment";
import type { StepPlugin } from "@ordo/step";
import { route } from "./steps.js";

/** For `createWorker({ plugins })` / `createEmbeddedRuntime({ plugins })`. */
export const plugins: StepPlugin[] = [sentimentStep, route];
