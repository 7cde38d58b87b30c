/**
 * The example's own step: `label` checks the model's category against the allowed set.
 */
import { defineStep, NonRetryableError } from "@ordo/step";
import { z } from "zod";
import { CATEGORIES } from "./tickets.js";

/**
 * `example.batch.label@1.0.0`: normalises the category the model gave (trimmed, lower case) and
 * fails the execution, without retrying, when it is not one of {@link CATEGORIES}.
 */
export const label = defineStep({
  type: "example.batch.label",
  version: "1.0.0",
  description: "Validate a ticket's category and attach its summary.",
  input: z.object({ id: z.string(), category: z.string(), summary: z.string() }),
  output: z.object({ id: z.string(), category: z.enum(CATEGORIES), summary: z.string() }),
  async run({ id, category, summary }, ctx) {
    const normalised = category.trim().toLowerCase();
    const known = CATEGORIES.find((c) => c === normalised);
    if (known === undefined) {
      throw new NonRetryableError(`step ${ctx.stepId}: '${category}' is not a category`, {
        details: { id, category },
      });
    }
    return { id, category: known, summary };
  },
});
