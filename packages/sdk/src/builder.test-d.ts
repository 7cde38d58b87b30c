import { defineStep } from "@ordo/step";
import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import {
  decision,
  humanInput,
  type InputOf,
  llm,
  type OutputOf,
  pipeline,
  type Ref,
  rag,
  retry,
  type StepsOf,
  throttle,
  tool,
  use,
} from "./index.js";

const sentiment = defineStep({
  type: "acme.sentiment",
  version: "1.0.0",
  input: z.object({ text: z.string(), lang: z.string().optional() }),
  output: z.object({
    score: z.number(),
    labels: z.array(z.object({ name: z.string(), weight: z.number() })),
    note: z.string().optional(),
  }),
  config: z.object({ threshold: z.number() }),
  async run() {
    return { score: 1, labels: [] };
  },
});

const base = pipeline({
  name: "t",
  version: "1.0.0",
  input: z.object({ q: z.string(), n: z.number(), tags: z.array(z.string()) }),
});
const withS = base.step(
  "s",
  use(sentiment, ($) => ({ text: $.input.q }), { config: { threshold: 0.5 } }),
);

describe("the user's shape", () => {
  test("type-checks exactly as written and infers the output", () => {
    const qa = pipeline({ name: "qa", version: "1.0.0", input: z.object({ question: z.string() }) })
      .step(
        "retrieve",
        rag.retrieve(($) => ({ query: $.input.question, topK: 4 })),
      )
      .step(
        "answer",
        llm(
          ($) => ({
            prompt: $.template`Answer ${$.input.question} using ${$.steps.retrieve.output.documents}`,
          }),
          { model: "gpt-4.1", provider: "openai" },
        ),
      )
      .dependsOn("retrieve")
      .policies({
        retry: retry.exponential({ maxAttempts: 4, baseDelayMs: 200 }),
        concurrency: [throttle.provider("openai", 8)],
      })
      .output(($) => ({ answer: $.steps.answer.output.text }));
    expectTypeOf<OutputOf<typeof qa>>().toEqualTypeOf<{ answer: string }>();
    expectTypeOf<InputOf<typeof qa>>().toEqualTypeOf<{ question: string }>();
    expectTypeOf<
      StepsOf<typeof qa>["retrieve"]["documents"][number]["score"]
    >().toEqualTypeOf<number>();
  });
});

describe("typed scope", () => {
  test("references carry the type of what they point at", () => {
    withS.step(
      "t",
      use(
        sentiment,
        ($) => {
          expectTypeOf($.input.q).toEqualTypeOf<Ref<string>>();
          expectTypeOf($.steps.s.output.score).toEqualTypeOf<Ref<number>>();
          expectTypeOf($.steps.s.output.labels[0].name).toEqualTypeOf<Ref<string>>();
          expectTypeOf($.input.tags[3]).toEqualTypeOf<Ref<string>>();
          expectTypeOf($.steps.s.output.note).toEqualTypeOf<Ref<string | undefined>>();
          return { text: $.steps.s.output.labels[0].name };
        },
        { config: { threshold: 1 } },
      ),
    );
  });

  test("literals, templates and nested objects are accepted where they fit", () => {
    withS.step(
      "t",
      use(sentiment, ($) => ({ text: $.template`${$.input.n} of ${$.input.q}`, lang: "en" }), {
        config: { threshold: 1 },
      }),
    );
    withS.step(
      "l",
      llm(($) => ({ messages: [{ role: "user", content: $.input.q }] })),
    );
  });

  test("literal and enum inputs of third-party plugins keep their literal types", () => {
    const translate = defineStep({
      type: "acme.translate",
      version: "1.0.0",
      input: z.object({ text: z.string(), to: z.enum(["en", "de"]) }),
      output: z.object({ text: z.string() }),
      async run({ text }) {
        return { text };
      },
    });
    base.step(
      "t",
      use(translate, ($) => ({ text: $.input.q, to: "de" })),
    );
    base.step(
      "t",
      use(translate, ($) => ({
        text: $.input.q,
        // @ts-expect-error Type '"fr"' is not assignable to type 'Bindable<"en" | "de">'
        to: "fr",
      })),
    );
  });

  test("an optional source fits an optional input", () => {
    withS.step(
      "t",
      llm(($) => ({ prompt: $.input.q, system: $.steps.s.output.note })),
    );
  });
});

describe("compile-time errors", () => {
  test("unknown step id in $.steps", () => {
    withS.step(
      "t",
      llm(($) => ({
        // @ts-expect-error Property 'nope' does not exist on type '{ readonly s: ... }'
        prompt: $.steps.nope.output.text,
      })),
    );
  });

  test("a later step is not visible to an earlier one", () => {
    base.step(
      "a",
      llm(($) => ({
        // @ts-expect-error Property 's' does not exist: steps are visible only after they are added
        prompt: $.steps.s.output.text,
      })),
    );
  });

  test("missing field on input and on a step output", () => {
    base.step(
      "a",
      llm(($) => ({
        // @ts-expect-error Property 'question' does not exist on type 'Reference<{ q: string; ... }>'
        prompt: $.input.question,
      })),
    );
    withS.step(
      "a",
      llm(($) => ({
        // @ts-expect-error Property 'nam' does not exist on type 'Reference<{ name: string; ... }>'
        prompt: $.steps.s.output.labels[0].nam,
      })),
    );
  });

  test("type mismatch between a reference and the target input", () => {
    base.step(
      "a",
      llm(($) => ({
        // @ts-expect-error Type 'Ref<number>' is not assignable to type 'Bindable<string | undefined>'
        prompt: $.input.n,
      })),
    );
    withS.step(
      "a",
      use(
        sentiment,
        ($) => ({
          // @ts-expect-error Type 'Ref<string | undefined>' is not assignable to type 'Bindable<string>'
          text: $.steps.s.output.note,
        }),
        { config: { threshold: 1 } },
      ),
    );
    base.step(
      "a",
      rag.retrieve(() => ({
        // @ts-expect-error a number literal does not fit a string input
        query: 42,
      })),
    );
  });

  test("duplicate step id", () => {
    withS.step(
      // @ts-expect-error OrdoTypeError<"step id 's' is already used in this pipeline; pick another id">
      "s",
      llm(($) => ({ prompt: $.input.q })),
    );
  });

  test("dependsOn an unknown step id, or before any step", () => {
    // @ts-expect-error OrdoTypeError<"dependsOn: step 'zz' is not defined before this step; ...">
    withS.dependsOn("zz");
    // @ts-expect-error OrdoTypeError<".dependsOn() applies to the last added step; ...">
    base.dependsOn("s");
    withS
      .step(
        "t",
        llm(($) => ({ prompt: $.input.q })),
      )
      .dependsOn("s");
  });

  test("missing required input and missing required config", () => {
    withS.step(
      "a",
      // @ts-expect-error Property 'text' is missing in type '{}' but required
      use(sentiment, () => ({}), { config: { threshold: 1 } }),
    );
    base.step(
      "a",
      // @ts-expect-error Property 'query' is missing
      rag.retrieve(() => ({ topK: 3 })),
    );
    base.step(
      "a",
      // @ts-expect-error Expected 3 arguments: the config has a required field
      use(sentiment, ($) => ({ text: $.input.q })),
    );
    base.step(
      "a",
      // @ts-expect-error Type 'string' is not assignable to type 'number'
      use(sentiment, ($) => ({ text: $.input.q }), { config: { threshold: "x" } }),
    );
  });

  test("step modifiers need a step", () => {
    // @ts-expect-error OrdoTypeError<"this applies to the last added step; ...">
    base.policies({ retry: retry.none() });
    // @ts-expect-error OrdoTypeError<"this applies to the last added step; ...">
    base.trigger("all_done");
  });

  test("unknown policy fields and invalid trigger rules", () => {
    // @ts-expect-error Object literal may only specify known properties
    withS.policies({ retries: 3 });
    // @ts-expect-error not a trigger rule
    withS.trigger("sometimes");
  });
});

describe("built-in factories", () => {
  test("humanInput types the answer from its response schema", () => {
    const approval = withS.step(
      "approve",
      humanInput(($) => ({ prompt: $.template`ok? ${$.input.q}` }), {
        response: z.object({ approved: z.boolean() }),
      }),
    );
    approval.step(
      "after",
      use(
        sentiment,
        ($) => {
          expectTypeOf($.steps.approve.output.response.approved).toEqualTypeOf<Ref<boolean>>();
          return { text: $.steps.approve.output.respondedAt };
        },
        { config: { threshold: 1 } },
      ),
    );
    expectTypeOf<StepsOf<typeof approval>["approve"]["response"]>().toEqualTypeOf<{
      approved: boolean;
    }>();
  });

  test("tool.http, decision and rag.merge are typed from their declarations", () => {
    const p = base
      .step(
        "call",
        tool.http(($) => ({ url: "https://x.example", query: { q: $.input.q } })),
      )
      .step(
        "route",
        decision(($) => ({
          value: $.steps.call.output.status,
          cases: [{ when: { gte: 500 }, route: "down" }],
        })),
      )
      .step(
        "merged",
        rag.merge(() => ({ lists: [[]] })),
      );
    expectTypeOf<StepsOf<typeof p>["route"]["route"]>().toEqualTypeOf<string>();
    expectTypeOf<StepsOf<typeof p>["call"]["status"]>().toEqualTypeOf<number>();
    expectTypeOf<StepsOf<typeof p>["merged"]["documents"][number]["id"]>().toEqualTypeOf<string>();
    base.step(
      "bad",
      tool.http(() => ({
        url: "https://x.example",
        // @ts-expect-error not an HTTP method
        method: "FETCH",
      })),
    );
  });
});

describe("output typing", () => {
  test("resolves references, templates and literals", () => {
    const p = withS.output(($) => ({
      score: $.steps.s.output.score,
      first: $.steps.s.output.labels[0],
      text: $.template`${$.input.q}!`,
      fixed: 1,
    }));
    expectTypeOf<OutputOf<typeof p>>().toEqualTypeOf<{
      score: number;
      first: { name: string; weight: number };
      text: string;
      fixed: 1;
    }>();
  });

  test("a pipeline without output has an unknown result", () => {
    expectTypeOf<OutputOf<typeof withS>>().toBeUnknown();
  });
});
