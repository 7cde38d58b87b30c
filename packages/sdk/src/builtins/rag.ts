/**
 * RAG step factories over the shared declarations of `@ordo/step/builtins` (implemented by
 * `@ordo/step-rag`): `retrieve` documents for a query, `merge` several result lists, `compose`
 * documents into a context string for an LLM prompt.
 */
import {
  type RagDocument,
  ragComposeStep,
  ragDocumentSchema,
  ragMergeStep,
  ragRetrieveStep,
} from "@ordo/step/builtins";
import type { z } from "zod";
import { makeSpec, type StepOptions, type StepSpec } from "../spec.js";
import type { BindableInputs } from "../values.js";
import { splitOptions } from "./options.js";

export type { RagDocument };
export { ragComposeStep, ragDocumentSchema, ragMergeStep, ragRetrieveStep };

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
