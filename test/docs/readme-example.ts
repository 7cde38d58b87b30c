import { llm, pipeline, rag, retry, throttle } from "@ordo/sdk";
import { z } from "zod";

export default pipeline({ name: "qa", version: "1.0.0", input: z.object({ question: z.string() }) })
  .step(
    "retrieve",
    rag.retrieve(($) => ({ query: $.input.question, topK: 4 })),
  )
  .step(
    "answer",
    llm(($) => ({
      prompt: $.template`Answer ${$.input.question} from ${$.steps.retrieve.output.documents}`,
    })),
  )
  .policies({
    retry: retry.exponential({ maxAttempts: 4, baseDelayMs: 200 }),
    concurrency: [throttle.provider("openai", 8)],
  })
  .output(($) => ({ answer: $.steps.answer.output.text }));
