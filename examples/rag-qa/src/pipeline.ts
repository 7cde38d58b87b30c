/**
 * The RAG question-answering pipeline: retrieve handbook pages for a question, compose them into a
 * numbered context, answer with an LLM that cites `[n]`, resolve the citations to document ids,
 * and wait for a person to approve or reject the answer (`humanInput`: the execution parks in
 * `waiting` until `client.submitInput(executionId, "approve", { approved, note })`).
 *
 * ```
 * retrieve ─ compose ─ answer ─ cite ─ approve
 * ```
 *
 * Pure module: importing it runs no step code and opens no connection.
 */
import { humanInput, llm, pipeline, rag, retry, use } from "@ordo/sdk";
import { z } from "zod";
import { cite } from "./steps.js";

/** Questions the demo asks, with the handbook page each answer must cite. */
export const sampleQuestions = [
  { question: "How many vacation days do I have per year?", expect: "hb-holidays" },
  { question: "How often are laptops replaced?", expect: "hb-laptops" },
  { question: "How quickly must a pager alert be acknowledged?", expect: "hb-oncall" },
] as const;

/** The pipeline's output (what `run.result()` resolves to). */
export interface RagQaAnswer {
  readonly answer: string;
  /** Ids of the handbook pages the answer cites. */
  readonly citations: string[];
  readonly approved: boolean;
  /** The reviewer's note, when they wrote one. */
  readonly note?: string;
  /** Who answered the approval step (`submitInput`'s `respondedBy`). */
  readonly reviewer?: string;
}

/** What the reviewer answers to the `approve` step. */
export const approvalSchema = z.object({
  approved: z.boolean(),
  note: z.string().optional(),
});

const SYSTEM = [
  "Answer the question from the numbered context only.",
  "End the answer with the [n] marker of the fragment you used.",
  "If the context does not contain the answer, say so and cite nothing.",
].join(" ");

export default pipeline({
  name: "rag-qa",
  version: "1.0.0",
  description: "Answer a question from the handbook, with citations, gated on approval.",
  input: z.object({ question: z.string().min(1) }),
})
  .step(
    "retrieve",
    rag.retrieve(($) => ({ query: $.input.question, topK: 3 }), { index: "handbook" }),
  )
  .step(
    "compose",
    rag.compose(($) => ({ documents: $.steps.retrieve.output.documents, maxChars: 2_000 })),
  )
  .step(
    "answer",
    llm(
      ($) => ({
        system: SYSTEM,
        context: $.steps.compose.output.context,
        prompt: $.input.question,
      }),
      { provider: "local", model: "fake-small", temperature: 0 },
    ),
  )
  .policies({ retry: retry.exponential({ maxAttempts: 3, baseDelayMs: 100 }) })
  .step(
    "cite",
    use(cite, ($) => ({
      text: $.steps.answer.output.text,
      documentIds: $.steps.compose.output.documentIds,
    })),
  )
  .step(
    "approve",
    humanInput(
      ($) => ({
        prompt: $.template`Send this answer to "${$.input.question}"? ${$.steps.answer.output.text}`,
        context: {
          citations: $.steps.cite.output.citations,
          grounded: $.steps.cite.output.grounded,
        },
        // A day to answer; the step then fails for good.
        timeoutMs: 86_400_000,
      }),
      { response: approvalSchema },
    ),
  )
  .output(($) => ({
    answer: $.steps.answer.output.text,
    citations: $.steps.cite.output.citations,
    approved: $.steps.approve.output.response.approved,
    note: $.steps.approve.output.response.note,
    reviewer: $.steps.approve.output.respondedBy,
  }));
