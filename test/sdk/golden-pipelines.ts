/**
 * Pipelines whose compiled IR is pinned in `test/fixtures/builder/*.dag.json`.
 */
import {
  decision,
  definePolicy,
  defineStep,
  humanInput,
  llm,
  pipeline,
  rag,
  rateLimit,
  retention,
  retry,
  throttle,
  timeout,
  tool,
  use,
} from "@ordo/sdk";
import { z } from "zod";

/** RAG question answering: retrieve, compose a context, answer with an LLM. */
export const ragQa = pipeline({
  name: "rag-qa",
  version: "1.0.0",
  description: "Answer a question from the docs index.",
  input: z.object({ question: z.string().min(1), topK: z.number().int().default(4) }),
  policies: {
    retention: retention.compact({ hotTtlMs: 3_600_000 }),
    concurrency: [throttle.provider("openai", 8)],
  },
})
  .step(
    "retrieve",
    rag.retrieve(($) => ({ query: $.input.question, topK: $.input.topK }), { index: "docs" }),
  )
  .step(
    "context",
    rag.compose(($) => ({ documents: $.steps.retrieve.output.documents, maxChars: 6000 })),
  )
  .step(
    "answer",
    llm(
      ($) => ({
        system: "Answer only from the context.",
        context: $.steps.context.output.context,
        prompt: $.template`Question: ${$.input.question}`,
      }),
      { provider: "openai", model: "gpt-4.1-mini", temperature: 0 },
    ),
  )
  .policies({
    retry: retry.exponential({
      maxAttempts: 4,
      baseDelayMs: 200,
      maxDelayMs: 5000,
      jitter: "full",
    }),
    timeout: timeout({ attemptMs: 60_000 }),
    rateLimits: [
      rateLimit.tokens({
        scope: "model",
        key: "openai:gpt-4.1-mini",
        limit: 200_000,
        windowMs: 60_000,
        estimate: 2_000,
      }),
    ],
  })
  .output(($) => ({
    answer: $.steps.answer.output.text,
    sources: $.steps.context.output.documentIds,
    costUsd: $.steps.answer.output.costUsd,
  }));

/** A diamond with trigger rules: two lookups in parallel, a join on any success, a cleanup. */
export const diamond = pipeline({
  name: "ticket-triage",
  version: "2.1.0",
  input: z.object({ ticketId: z.string(), body: z.string() }),
  metadata: { tenant: "acme", labels: { team: "support" } },
})
  .step(
    "classify",
    llm(($) => ({ prompt: $.template`Classify: ${$.input.body}` }), {
      provider: "acme",
      model: "fast-1",
    }),
  )
  .step(
    "crm",
    tool.http(
      ($) => ({ url: "https://crm.example.com/api/tickets", query: { id: $.input.ticketId } }),
      {
        allowedHosts: ["crm.example.com"],
      },
    ),
  )
  .step(
    "kb",
    rag.retrieve(($) => ({ query: $.steps.classify.output.text, filter: { lang: "en" } }), {
      trigger: "all_success",
    }),
  )
  .step(
    "route",
    decision(($) => ({
      value: $.steps.classify.output.text,
      cases: [
        { when: { equals: "urgent" }, route: "page" },
        { when: { in: ["billing", "refund"] }, route: "billing" },
      ],
      default: "queue",
    })),
  )
  .dependsOn("crm", "kb")
  .trigger("any_success")
  .step(
    "approve",
    humanInput(
      ($) => ({
        prompt: $.template`Route ticket ${$.input.ticketId} to ${$.steps.route.output.route}?`,
      }),
      {
        response: z.object({ approved: z.boolean(), note: z.string().optional() }),
      },
    ),
  )
  .step(
    "audit",
    tool.http(() => ({
      url: "https://audit.example.com/log",
      method: "POST",
      body: { $ref: "literal" },
    })),
  )
  .dependsOn("approve", "route")
  .trigger("all_done")
  .output(($) => ({
    route: $.steps.route.output.route,
    approved: $.steps.approve.output.response.approved,
  }));

/** A third-party plugin and a custom policy, used exactly like built-ins. */
export const sentiment = defineStep({
  type: "acme.sentiment",
  version: "3.2.1",
  description: "Score the sentiment of a text.",
  input: z.object({ text: z.string(), language: z.enum(["en", "de"]).optional() }),
  output: z.object({ score: z.number().min(-1).max(1), label: z.enum(["neg", "neu", "pos"]) }),
  config: z.object({ threshold: z.number().default(0.2) }),
  metadata: { provider: "acme-nlp", operation: "sentiment" },
  async run({ text }) {
    const score = text.includes("great") ? 1 : 0;
    return { score, label: score > 0 ? ("pos" as const) : ("neu" as const) };
  },
});

export const businessHours = definePolicy({
  name: "acme.admission.business-hours",
  kind: "admission",
  config: z.object({ timezone: z.string(), from: z.number().int(), to: z.number().int() }),
  evaluate: () => ({ allow: true }),
});

export const thirdParty = pipeline({
  name: "feedback",
  version: "0.3.0",
  input: z.object({ q: z.string() }),
})
  .step(
    "mood",
    use(sentiment, ($) => ({ text: $.input.q, language: "en" }), {
      config: { threshold: 0.5 },
      policies: { custom: [businessHours({ timezone: "Europe/Berlin", from: 8, to: 18 })] },
      metadata: { tenant: "acme", labels: { tier: "gold" } },
    }),
  )
  .step(
    "reply",
    llm(
      ($) => ({
        prompt: $.template`Reply to a ${$.steps.mood.output.label} message: ${$.input.q}`,
      }),
      {
        provider: "openai",
        model: "gpt-4.1",
      },
    ),
  )
  .output(($) => ({ reply: $.steps.reply.output.text, score: $.steps.mood.output.score }));

/** Fixture name -> pipeline. */
export const GOLDEN = { "rag-qa": ragQa, diamond, "third-party": thirdParty } as const;
