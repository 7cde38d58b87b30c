/**
 * RAG steps, declared (implemented by `@ordo/step-rag`): `retrieve` documents for a query, `merge`
 * several result lists, `compose` documents into a context string for an LLM prompt.
 */
import { declareStep } from "@ordo/step";
import { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

/** A retrieved document. `score` is higher-is-better; `source` names where it came from. */
export const ragDocumentSchema = z.object({
  id: z.string(),
  text: z.string(),
  score: z.number(),
  source: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

/**
 * A retrieved document.
 *
 * @example
 * ```ts
 * const doc: RagDocument = { id: "d1", text: "...", score: 0.82, source: "docs/intro.md", metadata: {} };
 * ```
 */
export type RagDocument = z.output<typeof ragDocumentSchema>;

const documents = z.object({ documents: z.array(ragDocumentSchema) });

/**
 * Declaration of `ordo.rag.retrieve@1.0.0`: top-k documents for a query from a configured index.
 *
 * @example
 * ```ts
 * import { ragRetrieveStep } from "@ordo/sdk";
 * ragRetrieveStep.type; // "ordo.rag.retrieve"
 * ```
 */
export const ragRetrieveStep = declareStep({
  type: "ordo.rag.retrieve",
  version: "1.0.0",
  description: "Retrieve the top-k documents for a query.",
  input: z.object({
    query: z.string().min(1),
    /** Number of documents; default 5. */
    topK: z.number().int().positive().max(1000).optional(),
    /** Exact-match filter on document metadata. */
    filter: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Drop documents scoring below this. */
    minScore: z.number().optional(),
  }),
  output: documents,
  config: z.object({
    /** Index (collection) name; default: the plugin's default index. */
    index: z.string().min(1).optional(),
    /** Embedding model used for the query, when the index is a vector index. */
    embeddingModel: z.string().min(1).optional(),
  }),
  metadata: { operation: "rag.retrieve" },
});

/**
 * Declaration of `ordo.rag.merge@1.0.0`: fuses result lists (reciprocal rank fusion by default),
 * de-duplicated by document id.
 *
 * @example
 * ```ts
 * import { ragMergeStep } from "@ordo/sdk";
 * ragMergeStep.type; // "ordo.rag.merge"
 * ```
 */
export const ragMergeStep = declareStep({
  type: "ordo.rag.merge",
  version: "1.0.0",
  description: "Merge several document lists into one ranked list.",
  input: z.object({
    lists: z.array(z.array(ragDocumentSchema)).min(1),
    topK: z.number().int().positive().optional(),
    strategy: z.enum(["rrf", "score"]).optional(),
  }),
  output: documents,
  metadata: { operation: "rag.merge" },
});

/**
 * Declaration of `ordo.rag.compose@1.0.0`: renders documents into one `context` string within a
 * character budget, in order, and says which documents made it in.
 *
 * @example
 * ```ts
 * import { ragComposeStep } from "@ordo/sdk";
 * ragComposeStep.type; // "ordo.rag.compose"
 * ```
 */
export const ragComposeStep = declareStep({
  type: "ordo.rag.compose",
  version: "1.0.0",
  description: "Compose documents into a prompt context.",
  input: z.object({
    documents: z.array(ragDocumentSchema),
    /** Character budget of the context; default 8000. */
    maxChars: z.number().int().positive().optional(),
    /** Placed between documents; default a blank line. */
    separator: z.string().optional(),
  }),
  output: z.object({
    context: z.string(),
    documentIds: z.array(z.string()),
    truncated: z.boolean(),
  }),
  metadata: { operation: "rag.compose" },
});

type InputOfStep<S extends { input: z.ZodType }> = BindableInputs<z.input<S["input"]>>;
type OutputOfStep<S extends { output: z.ZodType }> = z.output<S["output"]>;

/**
 * Options of {@link rag}`.retrieve`: its config plus the common step options.
 *
 * @example
 * ```ts
 * rag.retrieve(($) => ({ query: $.input.q }), { index: "docs" }); // IR config: { index: "docs" }
 * ```
 */
export type RagRetrieveOptions = z.input<NonNullable<typeof ragRetrieveStep.config>> & StepOptions;

/**
 * RAG step factories.
 *
 * @example
 * ```ts
 * p.step("retrieve", rag.retrieve(($) => ({ query: $.input.question, topK: 4 })))
 *   .step("context", rag.compose(($) => ({ documents: $.steps.retrieve.output.documents })));
 * // IR step "context": { type: "ordo.rag.compose", dependsOn: ["retrieve"],
 * //   inputs: { documents: { $ref: "steps.retrieve.output.documents" } }, ... }
 * ```
 */
export const rag = Object.freeze({
  retrieve<TScope>(
    bind: ($: TScope) => InputOfStep<typeof ragRetrieveStep>,
    options: RagRetrieveOptions = {},
  ): StepSpec<TScope, OutputOfStep<typeof ragRetrieveStep>> {
    const split = splitOptions(options);
    return makeSpec(ragRetrieveStep, bind, split.config, split.options);
  },
  merge<TScope>(
    bind: ($: TScope) => InputOfStep<typeof ragMergeStep>,
    options: StepOptions = {},
  ): StepSpec<TScope, OutputOfStep<typeof ragMergeStep>> {
    const split = splitOptions(options);
    return makeSpec(ragMergeStep, bind, split.config, split.options);
  },
  compose<TScope>(
    bind: ($: TScope) => InputOfStep<typeof ragComposeStep>,
    options: StepOptions = {},
  ): StepSpec<TScope, OutputOfStep<typeof ragComposeStep>> {
    const split = splitOptions(options);
    return makeSpec(ragComposeStep, bind, split.config, split.options);
  },
});
