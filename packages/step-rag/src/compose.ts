/**
 * `ordo.rag.compose`: render ranked documents into one prompt context within a character budget,
 * each fragment numbered for citation (`[1] text`), in input order. Deterministic: the same
 * documents and budget always give the same context.
 */
import { defineStep, type StepPlugin } from "@ordo/step";
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
 * Composes documents in order: empty texts and repeated ids are skipped; fragments are added
 * while they fit in `maxChars` (separators included). The first fragment that does not fit ends
 * the context, so a lower-ranked short document never jumps ahead of a higher-ranked long one;
 * only when nothing fits at all is the first fragment cut to the budget.
 *
 * @example
 * ```ts
 * composeContext([{ id: "a", text: "Alpha.", score: 1, source: "s", metadata: {} }]);
 * // { context: "[1] Alpha.", documentIds: ["a"], truncated: false }
 * ```
 */
export function composeContext(
  documents: readonly RagDocument[],
  options: { maxChars?: number; separator?: string } = {},
): ComposedContext {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const separator = options.separator ?? "\n\n";
  const seen = new Set<string>();
  const usable = documents.filter((d) => {
    if (d.text.trim().length === 0 || seen.has(d.id)) return false;
    seen.add(d.id);
    return true;
  });
  const fragments: string[] = [];
  const documentIds: string[] = [];
  let length = 0;
  for (const doc of usable) {
    const fragment = `[${fragments.length + 1}] ${doc.text.trim()}`;
    const added = (fragments.length === 0 ? 0 : separator.length) + fragment.length;
    if (length + added > maxChars) break;
    fragments.push(fragment);
    documentIds.push(doc.id);
    length += added;
  }
  const first = usable[0];
  if (fragments.length === 0 && first !== undefined) {
    // nothing fits: cut the best document rather than give the model no context at all
    return {
      context: `[1] ${first.text.trim()}`.slice(0, maxChars),
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
export const ragComposeStep: RagComposeStepPlugin = defineStep({
  ...ragComposeContract,
  async run(input) {
    return composeContext(input.documents, {
      ...(input.maxChars === undefined ? {} : { maxChars: input.maxChars }),
      ...(input.separator === undefined ? {} : { separator: input.separator }),
    });
  },
});
