/**
 * Contracts of the RAG steps live in `@ordo/step/builtins` (shared with `@ordo/sdk`'s `rag.*()`
 * declarations); this module re-exports them under this package's names (`rag*Contract`, since
 * `rag*Step` here names the plugins).
 */
export type { RagDocument, RagFilter } from "@ordo/step/builtins";
export {
  filterValueSchema,
  ragComposeStep as ragComposeContract,
  ragDocumentSchema,
  ragMergeStep as ragMergeContract,
  ragRetrieveStep as ragRetrieveContract,
} from "@ordo/step/builtins";
