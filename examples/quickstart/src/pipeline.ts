/**
 * The quick start pipeline: answer a customer's support question from the help centre.
 *
 * ```
 * ingest ─┬─ search ──────────────────────┐
 *         ├─ customer ────────────────────┼─ compose ─ answer ─ audit
 *         └─ classify ─ moderate (flaky) ─┘
 * ```
 *
 * `moderate` calls a provider that is down for its first attempt; its retry policy (3 attempts,
 * 100 ms apart) lets the run complete anyway. The module is pure: importing it runs no step code
 * and opens no connection, so `ordo check` and `ordo compile` can load it.
 */
import { pipeline, retry, use } from "@ordo/sdk";
import { z } from "zod";
import { answer, audit, classify, compose, customer, ingest, moderate, search } from "./plugins.js";

/** The question the demo asks. */
export const sampleInput = {
  question: "How do I rotate my API keys without downtime?",
  customerId: "c-1001",
} as const;

export default pipeline({
  name: "support-answer",
  version: "1.0.0",
  description: "Answer a support question from the help centre, with citations and an audit.",
  input: z.object({ question: z.string(), customerId: z.string() }),
})
  .step(
    "ingest",
    use(ingest, ($) => ({ question: $.input.question, customerId: $.input.customerId })),
  )
  .step(
    "search",
    use(search, ($) => ({ terms: $.steps.ingest.output.terms, topK: 3 })),
  )
  .step(
    "customer",
    use(customer, ($) => ({ customerId: $.steps.ingest.output.customerId })),
  )
  .step(
    "classify",
    use(classify, ($) => ({ terms: $.steps.ingest.output.terms })),
  )
  .step(
    "moderate",
    use(
      moderate,
      ($) => ({ text: $.steps.ingest.output.text, intent: $.steps.classify.output.intent }),
      { config: { outageAttempts: 1 } },
    ),
  )
  .policies({ retry: retry.fixed({ maxAttempts: 3, baseDelayMs: 100 }) })
  .step(
    "compose",
    use(compose, ($) => ({
      terms: $.steps.ingest.output.terms,
      documents: $.steps.search.output.documents,
      plan: $.steps.customer.output.plan,
      intent: $.steps.classify.output.intent,
      flagged: $.steps.moderate.output.flagged,
    })),
  )
  .step(
    "answer",
    use(answer, ($) => ({
      customerName: $.steps.customer.output.name,
      passages: $.steps.compose.output.passages,
      blocked: $.steps.compose.output.blocked,
    })),
  )
  .step(
    "audit",
    use(audit, ($) => ({
      text: $.steps.answer.output.text,
      quotes: $.steps.answer.output.quotes,
      documents: $.steps.search.output.documents,
    })),
  )
  .output(($) => ({
    answer: $.steps.answer.output.text,
    citations: $.steps.answer.output.citations,
    audited: $.steps.audit.output.ok,
  }));
