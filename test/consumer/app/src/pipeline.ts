/**
 * A consumer's pipeline, written against the PUBLISHED packages (tarballs), not the workspace.
 */

import { pipeline, use } from "@ordo/sdk";
import { defineStep } from "@ordo/step";
import { z } from "zod";

export const shout = defineStep({
  type: "consumer.shout",
  version: "1.0.0",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string(), length: z.number() }),
  async run({ text }) {
    return { text: `${text.toUpperCase()}!`, length: text.length };
  },
});

export const greet = pipeline({
  name: "consumer-greet",
  version: "1.0.0",
  input: z.object({ name: z.string() }),
})
  .step(
    "shout",
    use(shout, ($) => ({ text: $.input.name })),
  )
  .step(
    "again",
    use(shout, ($) => ({ text: $.steps.shout.output.text })),
  )
  .output(($) => ({ greeting: $.steps.again.output.text, length: $.steps.shout.output.length }));

export default greet;
