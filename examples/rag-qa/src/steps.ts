/**
 * The example's own step: `cite` (resolve `[n]` markers to document ids). A plain `defineStep` plugin, imported by the pipeline (for their schemas) and by
 * workers (for their code).
 */
import { defineStep } from "@ordo/step";
import { z } from "zod";

/**
 * `example.rag-qa.cite@1.0.0`: turns the answer's `[n]` markers into the ids of the documents the
 * compose step numbered. A marker that names no composed document makes the answer ungrounded.
 */
export const cite = defineStep({
  type: "example.rag-qa.cite",
  version: "1.0.0",
  description: "Resolve [n] citation markers to document ids.",
  input: z.object({ text: z.string(), documentIds: z.array(z.string()) }),
  output: z.object({
    /** Cited document ids, de-duplicated, in order of first citation. */
    citations: z.array(z.string()),
    /** True when the answer cites at least one marker and every marker names a document. */
    grounded: z.boolean(),
  }),
  async run({ text, documentIds }) {
    const citations: string[] = [];
    let unknown = 0;
    for (const match of text.matchAll(/\[(\d+)\]/g)) {
      const id = documentIds[Number(match[1]) - 1];
      if (id === undefined) unknown += 1;
      else if (!citations.includes(id)) citations.push(id);
    }
    return { citations, grounded: citations.length > 0 && unknown === 0 };
  },
});
