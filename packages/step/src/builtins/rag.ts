/**
 * Contracts of the RAG steps (`ordo.rag.retrieve`, `ordo.rag.merge`, `ordo.rag.compose`):
 * declared by `@ordo/sdk` (`rag.*()`), implemented by `@ordo/step-rag`.
 */
import { z } from "zod";
import { declareStep } from "../declare-step.js";

/**
 * A retrieved document. `score` is higher-is-better; `source` names where it came from.
 *
 * @example
 * ```ts
 * ragDocumentSchema.parse({ id: "d1", text: "...", score: 0.82, source: "docs/intro.md", metadata: {} });
 * ```
 */
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

/**
 * Values of an exact-match metadata filter.
 *
 * @example
 * ```ts
 * filterValueSchema.parse("en"); // "en"
 * ```
 */
export const filterValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/**
 * A metadata filter: every key must equal its value.
 *
 * @example
 * ```ts
 * const filter: RagFilter = { lang: "en", year: 2024 };
 * ```
 */
export type RagFilter = Record<string, string | number | boolean>;

const documents = z.object({ documents: z.array(ragDocumentSchema) });

/**
 * Declaration of `ordo.rag.retrieve@1.0.0`: top-k documents for a query from a configured index.
 *
 * @example
 * ```ts
 * import { ragRetrieveStep } from "@ordo/step/builtins";
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
    filter: z.record(z.string(), filterValueSchema).optional(),
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
 * import { ragMergeStep } from "@ordo/step/builtins";
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
 * import { ragComposeStep } from "@ordo/step/builtins";
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
