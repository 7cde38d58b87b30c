/**
 * The quick start's step plugins. Each is a `defineStep` plugin with zod schemas in and out; the
 * worker validates input before `run` and output after. They are small but real: tokenising,
 * BM25 retrieval, a customer lookup, intent classification, a moderation call behind a flaky
 * provider, passage selection, an extractive answer and an audit that re-checks the answer.
 *
 * `ordo run src/pipeline.ts --plugins src/plugins.ts` loads every plugin exported here.
 */
import { createHash } from "node:crypto";
import { defineStep, NonRetryableError, type StepPlugin } from "@ordo/step";
import { z } from "zod";
import { ARTICLES, BLOCKED_TERMS, CUSTOMERS } from "./knowledge.js";
import { bm25, indexDocs, sentences, terms } from "./text.js";

const documentSchema = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  score: z.number(),
});
const intentSchema = z.enum(["security", "billing", "limits", "integration", "general"]);
const planSchema = z.enum(["free", "team", "enterprise"]);
const quoteSchema = z.object({ docId: z.string(), sentence: z.string() });

/** Normalises the question and extracts its content terms. */
export const ingest = defineStep({
  type: "quickstart.ingest",
  version: "1.0.0",
  description: "Normalise a question and extract its terms.",
  input: z.object({ question: z.string().min(1), customerId: z.string().min(1) }),
  output: z.object({ text: z.string(), terms: z.array(z.string()), customerId: z.string() }),
  async run({ question, customerId }) {
    const text = question.replace(/\s+/g, " ").trim();
    const found = terms(text);
    if (found.length === 0) throw new NonRetryableError(`question '${text}' has no content words`);
    return { text, terms: found, customerId: customerId.trim().toLowerCase() };
  },
});

const index = indexDocs(ARTICLES.map((article) => `${article.title}. ${article.text}`));

/** BM25 search over the in-memory knowledge base; returns the `topK` best articles. */
export const search = defineStep({
  type: "quickstart.search",
  version: "1.0.0",
  description: "BM25 search of the help-centre articles.",
  input: z.object({ terms: z.array(z.string()), topK: z.number().int().min(1).max(10) }),
  output: z.object({ documents: z.array(documentSchema) }),
  async run({ terms: query, topK }) {
    const scores = bm25(query, index);
    const documents = ARTICLES.map((article, i) => ({ ...article, score: round(scores[i] ?? 0) }))
      .filter((doc) => doc.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
    return { documents };
  },
});

/** Looks the customer up; an unknown id cannot succeed on retry, so it is non-retryable. */
export const customer = defineStep({
  type: "quickstart.customer",
  version: "1.0.0",
  description: "Customer record lookup.",
  input: z.object({ customerId: z.string() }),
  output: z.object({
    name: z.string(),
    plan: planSchema,
    region: z.string(),
    openTickets: z.number(),
  }),
  async run({ customerId }) {
    const record = CUSTOMERS.find((candidate) => candidate.id === customerId);
    if (!record) throw new NonRetryableError(`unknown customer '${customerId}'`);
    const { name, plan, region, openTickets } = record;
    return { name, plan, region, openTickets };
  },
});

const INTENT_WORDS: Readonly<Record<z.infer<typeof intentSchema>, readonly string[]>> = {
  security: ["key", "leak", "revok", "rotat", "sso", "sign", "password", "audit"],
  billing: ["invoice", "billing", "refund", "pay", "price", "plan"],
  limits: ["limit", "429", "quota", "throttl", "rate"],
  integration: ["webhook", "api", "sdk", "deploy", "servic"],
  general: [],
};

/** Keyword intent classifier; confidence is the winning share of matched keywords. */
export const classify = defineStep({
  type: "quickstart.classify",
  version: "1.0.0",
  description: "Classify the question's intent.",
  input: z.object({ terms: z.array(z.string()) }),
  output: z.object({ intent: intentSchema, confidence: z.number() }),
  async run({ terms: words }) {
    const hits = Object.entries(INTENT_WORDS).map(([intent, keys]) => ({
      intent: intent as z.infer<typeof intentSchema>,
      hits: words.filter((word) => keys.some((key) => word.startsWith(key))).length,
    }));
    hits.sort((a, b) => b.hits - a.hits);
    const total = hits.reduce((sum, entry) => sum + entry.hits, 0);
    const best = hits[0];
    if (!best || best.hits === 0) return { intent: "general" as const, confidence: 0 };
    return { intent: best.intent, confidence: round(best.hits / total) };
  },
});

/**
 * Content moderation behind a flaky provider: the first `outageAttempts` attempts fail with a
 * retryable error (a simulated 503), so the step's retry policy decides whether the run survives.
 * Later attempts really check the text against the blocked terms.
 */
export const moderate = defineStep({
  type: "quickstart.moderate",
  version: "1.0.0",
  description: "Moderation check through a provider that is down for the first attempts.",
  input: z.object({ text: z.string(), intent: intentSchema }),
  output: z.object({ flagged: z.boolean(), matched: z.array(z.string()), attempt: z.number() }),
  config: z.object({ outageAttempts: z.number().int().min(0).default(1) }),
  async run({ text }, ctx) {
    if (ctx.attempt <= ctx.config.outageAttempts) {
      // A plain Error is retryable: the step's retry policy schedules the next attempt.
      throw new Error(`moderation provider unavailable (simulated 503, attempt ${ctx.attempt})`);
    }
    const lower = text.toLowerCase();
    const matched = [...BLOCKED_TERMS].filter((term) => lower.includes(term));
    return { flagged: matched.length > 0, matched, attempt: ctx.attempt };
  },
});

/** Picks the passages the answer may quote: sentences of the retrieved articles, best first. */
export const compose = defineStep({
  type: "quickstart.compose",
  version: "1.0.0",
  description: "Select the passages an answer may quote.",
  input: z.object({
    terms: z.array(z.string()),
    documents: z.array(documentSchema),
    plan: planSchema,
    intent: intentSchema,
    flagged: z.boolean(),
  }),
  output: z.object({ passages: z.array(quoteSchema), blocked: z.boolean(), note: z.string() }),
  async run({ terms: query, documents, plan, intent, flagged }) {
    const wanted = new Set(query);
    const scored = documents.flatMap((doc) =>
      sentences(doc.text).map((sentence) => ({
        docId: doc.id,
        sentence,
        // Plan-specific sentences only count for customers on that plan.
        overlap:
          terms(sentence).filter((word) => wanted.has(word)).length -
          (sentence.includes("Enterprise") && plan !== "enterprise" ? 10 : 0),
      })),
    );
    const passages = scored
      .filter((entry) => entry.overlap > 0)
      .sort((a, b) => b.overlap - a.overlap)
      .slice(0, 3)
      .map(({ docId, sentence }) => ({ docId, sentence }));
    return { passages, blocked: flagged, note: `${intent} question from a ${plan} customer` };
  },
});

/** An extractive "model": answers with the selected passages, citing their articles. */
export const answer = defineStep({
  type: "quickstart.answer",
  version: "1.0.0",
  description: "Extractive answer with citations.",
  input: z.object({
    customerName: z.string(),
    passages: z.array(quoteSchema),
    blocked: z.boolean(),
  }),
  output: z.object({
    text: z.string(),
    citations: z.array(z.string()),
    quotes: z.array(quoteSchema),
  }),
  async run({ customerName, passages, blocked }) {
    if (blocked) {
      return { text: "This request cannot be answered automatically.", citations: [], quotes: [] };
    }
    if (passages.length === 0) {
      return {
        text: `Hi ${customerName}, a support engineer will follow up.`,
        citations: [],
        quotes: [],
      };
    }
    const quotes = passages.slice(0, 2);
    const citations = [...new Set(quotes.map((quote) => quote.docId))];
    const body = quotes.map((quote) => `${quote.sentence} [${quote.docId}]`).join(" ");
    return { text: `Hi ${customerName}, ${lowerFirst(body)}`, citations, quotes };
  },
});

/** Re-checks the answer: every quote must appear verbatim in a retrieved article it cites. */
export const audit = defineStep({
  type: "quickstart.audit",
  version: "1.0.0",
  description: "Verify the answer is grounded in the retrieved articles.",
  input: z.object({
    text: z.string(),
    quotes: z.array(quoteSchema),
    documents: z.array(documentSchema),
  }),
  output: z.object({
    ok: z.boolean(),
    grounded: z.number(),
    ungrounded: z.array(z.string()),
    answerSha256: z.string(),
  }),
  async run({ text, quotes, documents }) {
    const byId = new Map(documents.map((doc) => [doc.id, doc.text]));
    const ungrounded = quotes
      .filter((quote) => !(byId.get(quote.docId) ?? "").includes(quote.sentence))
      .map((quote) => quote.docId);
    const answerSha256 = createHash("sha256").update(text).digest("hex");
    const ok = text.length > 0 && ungrounded.length === 0;
    return { ok, grounded: quotes.length - ungrounded.length, ungrounded, answerSha256 };
  },
});

/** Every plugin of the quick start, for `createWorker({ plugins })`. */
export const plugins: readonly StepPlugin[] = [
  ingest,
  search,
  customer,
  classify,
  moderate,
  compose,
  answer,
  audit,
];

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0]!.toLowerCase() + text.slice(1);
}
