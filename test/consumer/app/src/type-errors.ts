/**
 * The published types must still turn binding mistakes into tsc errors. Each `@ts-expect-error`
 * fails the consumer's `tsc` run if the error it marks disappears.
 */
import { pipeline, use } from "@ordo/sdk";
import { z } from "zod";
import { shout } from "./pipeline.js";

const base = pipeline({ name: "bad", version: "1.0.0", input: z.object({ n: z.number() }) });
const one = base.step(
  "s",
  use(shout, () => ({ text: "x" })),
);

export const wrongType = base.step(
  "s",
  use(shout, ($) => ({
    // @ts-expect-error a number bound to a string input
    text: $.input.n,
  })),
);

export const unknownStep = one.step(
  "t",
  use(shout, ($) => ({
    // @ts-expect-error 'nope' is not a step of this pipeline
    text: $.steps.nope.output.text,
  })),
);

export const duplicate = one.step(
  // @ts-expect-error duplicate step id
  "s",
  use(shout, () => ({ text: "y" })),
);
