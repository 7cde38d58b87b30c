/**
 * `ordo.rag.compose`: render ranked documents into one prompt context within a character budget,
 * each fragment numbered for citation (`[1] text`), in input order. Deterministic: the same
 * documents and budget always give the same context.
 */
import { implementStep, type StepPlugin } from "@ordo/step";
import { type RagDocument, ragComposeContract } from "./contract.js";

/** Default character budget (about 2000 tokens of English). */
export const DEFAULT_MAX_CHARS = 8_000;

/** What {@link composeContext} returns: the declared step output. */
export interface ComposedContext {
  /** Fragments `[n] text` joined by the separator; `[n]` is the 1-based citation number. */
  readonly context: string;
  /** Ids of the documents that made it in, in citation order (`documentIds[n - 1]` is `[n]`). */
  readonly documentIds: string[];
  /** True when a document was left out or cut to fit the budget. */
  readonly truncated: boolean;
}

/**
 * Approximate token count: `ceil(length / 4)` per whitespace-separated word (at least 1 per
 * word). The same estimate as the local test server; real tokenizers differ by a few percent.
 *
 * @example
 * ```ts
 * approxTokenCount("retrieval augmented"); // 5 (3 + 2)
 * ```
 */
export function approxTokenCount(text: string): number {
  let tokens = 0;
  for (const word of text.split(/\s+/)) if (word.length > 0) tokens += Math.ceil(word.length / 4);
  return tokens;
}

/** Options of {@link composeContext}. */
export interface ComposeOptions {
  /** Character budget (separators included). Default {@link DEFAULT_MAX_CHARS}. */
  readonly maxChars?: number;
  /** Token budget by {@link approxTokenCount}; applies together with `maxChars`. Default none. */
  readonly maxTokens?: number;
  /** Between fragments. Default a blank line. */
  readonly separator?: string;
}

function usableDocuments(documents: readonly RagDocument[]): RagDocument[] {
  const seen = new Set<string>();
  return documents.filter((d) => {
    if (d.text.trim().length === 0 || seen.has(d.id)) return false;
    seen.add(d.id);
    return true;
  });
}

/**
 * Composes documents in order: empty texts and repeated ids are skipped; fragments are added
 * while they fit in the budgets. The first fragment that does not fit ends the context, so a
 * lower-ranked short document never jumps ahead of a higher-ranked long one; only when nothing
 * fits at all is the first fragment cut (to `maxChars`, and to about `maxTokens x 4` characters).
 *
 * @example
 * ```ts
 * composeContext([{ id: "a", text: "Alpha.", score: 1, source: "s", metadata: {} }]);
 * // { context: "[1] Alpha.", documentIds: ["a"], truncated: false }
 * ```
 */
export function composeContext(
  documents: readonly RagDocument[],
  options: ComposeOptions = {},
): ComposedContext {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const maxTokens = options.maxTokens ?? Number.POSITIVE_INFINITY;
  const separator = options.separator ?? "\n\n";
  const usable = usableDocuments(documents);
  const fragments: string[] = [];
  const documentIds: string[] = [];
  let length = 0;
  let tokens = 0;
  for (const doc of usable) {
    const fragment = `[${fragments.length + 1}] ${doc.text.trim()}`;
    const added = (fragments.length === 0 ? 0 : separator.length) + fragment.length;
    const addedTokens = approxTokenCount(fragment) + approxTokenCount(separator);
    if (length + added > maxChars || tokens + addedTokens > maxTokens) break;
    fragments.push(fragment);
    documentIds.push(doc.id);
    length += added;
    tokens += addedTokens;
  }
  const first = usable[0];
  if (fragments.length === 0 && first !== undefined) {
    // nothing fits: cut the best document rather than give the model no context at all
    const limit = Math.min(maxChars, maxTokens * 4);
    return {
      context: `[1] ${first.text.trim()}`.slice(0, limit),
      documentIds: [first.id],
      truncated: true,
    };
  }
  return {
    context: fragments.join(separator),
    documentIds,
    truncated: documentIds.length < usable.length,
  };
}

/** The plugin type of {@link ragComposeStep}. */
export type RagComposeStepPlugin = StepPlugin<
  typeof ragComposeContract.input,
  typeof ragComposeContract.output
>;

/**
 * The `ordo.rag.compose` plugin (stateless: register it as is).
 *
 * @example
 * ```ts
 * import { createWorker } from "@ordo/runtime";
 * import { ragComposeStep } from "@ordo/step-rag";
 * const worker = createWorker({ connection: "redis://localhost:6379", plugins: [ragComposeStep] });
 * ```
 */
export const ragComposeStep: RagComposeStepPlugin = implementStep(
  ragComposeContract,
  async (input) => {
    return composeContext(input.documents, {
      ...(input.maxChars === undefined ? {} : { maxChars: input.maxChars }),
      ...(input.separator === undefined ? {} : { separator: input.separator }),
    });
  },
);
