/**
 * Contracts of the RAG steps (`ordo.rag.retrieve`, `ordo.rag.merge`, `ordo.rag.compose`), identical
 * to the declarations in `@ordo/sdk` so pipelines built with `rag.*()` run with these plugins.
 */
import { z } from "zod";

/** A retrieved document. `score` is higher-is-better; `source` names where it came from. */
export const ragDocumentSchema = z.object({
  id: z.string(),
  text: z.string(),
  score: z.number(),
  source: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

const documents = z.object({ documents: z.array(ragDocumentSchema) });

/** Exact-match metadata filter values. */
export const filterValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** `ordo.rag.retrieve@1.0.0`. */
export const ragRetrieveContract = {
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
} as const;

/** `ordo.rag.merge@1.0.0`. */
export const ragMergeContract = {
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
} as const;

/** `ordo.rag.compose@1.0.0`. */
export const ragComposeContract = {
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
} as const;

/** A retrieved document. */
export type RagDocument = z.output<typeof ragDocumentSchema>;
/** A metadata filter: every key must equal its value. */
export type RagFilter = Record<string, string | number | boolean>;
