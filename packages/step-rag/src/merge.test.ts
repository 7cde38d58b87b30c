import { runStep } from "@ordo/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RagDocument } from "./contract.js";
import { mergeDocuments, RRF_K, ragMergeStep } from "./merge.js";

const doc = (id: string, score: number, source = "s"): RagDocument => ({
  id,
  text: `text ${id}`,
  score,
  source,
  metadata: {},
});

describe("mergeDocuments", () => {
  it("fuses with reciprocal rank fusion (k = 60) and de-duplicates by id", () => {
    const vector = [doc("a", 0.9, "vec"), doc("b", 0.8, "vec"), doc("c", 0.7, "vec")];
    const keyword = [doc("c", 12, "bm25"), doc("a", 10, "bm25"), doc("d", 3, "bm25")];
    const merged = mergeDocuments([vector, keyword]);
    expect(merged.map((d) => d.id)).toEqual(["a", "c", "b", "d"]);
    expect(merged[0]?.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 2), 12);
    expect(merged[1]?.score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1), 12);
    // the best-ranked occurrence is kept (a is rank 1 in vec)
    expect(merged[0]?.source).toBe("vec");
    expect(merged[1]?.source).toBe("bm25");
  });

  it("breaks ties by id deterministically and honours topK", () => {
    const merged = mergeDocuments([[doc("z", 1)], [doc("m", 1)]], { topK: 1 });
    expect(merged.map((d) => d.id)).toEqual(["m"]);
  });

  it("strategy score keeps the best raw score per id", () => {
    const merged = mergeDocuments([[doc("a", 0.2), doc("b", 0.9)], [doc("a", 0.95, "other")]], {
      strategy: "score",
    });
    expect(merged.map((d) => [d.id, d.score, d.source])).toEqual([
      ["a", 0.95, "other"],
      ["b", 0.9, "s"],
    ]);
  });

  it("is independent of list order up to ties and never duplicates ids (property)", () => {
    const list = fc
      .uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f"), { maxLength: 6 })
      .map((ids) => ids.map((id, i) => doc(id, 1 - i / 10)));
    fc.assert(
      fc.property(fc.array(list, { minLength: 1, maxLength: 4 }), (lists) => {
        const merged = mergeDocuments(lists);
        const ids = merged.map((d) => d.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(new Set(lists.flat().map((d) => d.id)));
        expect(
          mergeDocuments([...lists].reverse()).map((d) => [d.id, d.score.toFixed(12)]),
        ).toEqual(merged.map((d) => [d.id, d.score.toFixed(12)]));
      }),
    );
  });
});

describe("ordo.rag.merge plugin", () => {
  it("validates input and merges with rrf by default", async () => {
    const { output } = await runStep(ragMergeStep, {
      lists: [[doc("a", 1), doc("b", 0.5)], [doc("b", 9)]],
      topK: 5,
    });
    expect(output.documents.map((d) => d.id)).toEqual(["b", "a"]);
    await expect(runStep(ragMergeStep, { lists: [] })).rejects.toMatchObject({
      code: "INPUT_INVALID",
    });
  });
});
