/**
 * The local server's chat "model" for the batch, instrumented: it records how many chat requests
 * are being answered at the same moment (`maxInFlight`), which is what the provider limit bounds.
 * Replies are deterministic: keyword triage for "Category:" prompts, the first six words of the text for "Summarize:".
 */
import type { ChatResponder } from "@ordo/testing";
import type { Category } from "./tickets.js";

const KEYWORDS: readonly [Category, RegExp][] = [
  ["billing", /\b(charged|refund|invoice|payment)\b/i],
  ["shipping", /\b(parcel|delivery|tracking|shipped)\b/i],
  ["quality", /\b(broken|leaks|defect|damaged)\b/i],
];

/** Keyword triage, what the model answers to a "Category:" prompt. */
export function categorize(text: string): Category {
  return KEYWORDS.find(([, pattern]) => pattern.test(text))?.[0] ?? "other";
}

/** A responder plus its concurrency gauge. */
export interface InstrumentedModel {
  readonly responder: ChatResponder;
  /** Chat requests being answered right now. */
  readonly inFlight: () => number;
  /** Most chat requests ever answered at the same time. */
  readonly maxInFlight: () => number;
  /** Chat requests answered so far. */
  readonly calls: () => number;
}

/**
 * A responder that takes `latencyMs` to answer (inside the gauge, so a request counts as in flight
 * for its whole service time).
 *
 * @example
 * ```ts
 * const model = instrumentedModel(20);
 * const server = await startOpenAiServer({ responder: model.responder });
 * // ... run the batch ...
 * model.maxInFlight(); // <= the provider limit
 * ```
 */
export function instrumentedModel(latencyMs: number): InstrumentedModel {
  let current = 0;
  let max = 0;
  let calls = 0;
  const responder: ChatResponder = async (request) => {
    current += 1;
    max = Math.max(max, current);
    try {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const last = [...request.messages].reverse().find((m) => m.role === "user");
      const prompt = typeof last?.content === "string" ? last.content : "";
      const asked = /^Category: (.*)$/s.exec(prompt);
      if (asked !== null) return categorize(asked[1] ?? "");
      return prompt
        .replace(/^Summarize: /, "")
        .split(/\s+/)
        .slice(0, 6)
        .join(" ");
    } finally {
      current -= 1;
      calls += 1;
    }
  };
  return { responder, inFlight: () => current, maxInFlight: () => max, calls: () => calls };
}
