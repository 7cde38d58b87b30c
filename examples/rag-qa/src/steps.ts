/**
 * The example's own steps: `cite` (resolve `[n]` markers to document ids) and `approve` (the
 * approval gate). Plain `defineStep` plugins, imported by the pipeline (for their schemas) and by
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

/**
 * `example.rag-qa.approve@1.0.0`: the approval gate, decided by a rule (approve a grounded answer,
 * reject one that cites nothing). It stands in for `humanInput` until the runtime can park a step
 * for a person's answer (see the README).
 */
export const approve = defineStep({
  type: "example.rag-qa.approve",
  version: "1.0.0",
  description: "Approve grounded answers; reject answers that cite no source.",
  input: z.object({ answer: z.string(), citations: z.array(z.string()), grounded: z.boolean() }),
  output: z.object({ approved: z.boolean(), reviewer: z.string(), reason: z.string() }),
  async run({ citations, grounded }) {
    if (grounded) {
      return { approved: true, reviewer: "auto", reason: `cites ${citations.join(", ")}` };
    }
    return { approved: false, reviewer: "auto", reason: "the answer cites no retrieved source" };
  },
});
