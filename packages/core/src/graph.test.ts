import { describe, expect, it } from "vitest";
import { isOrdoError } from "./errors.js";
import { ancestorsOf, dependentsOf, topologicalOrder } from "./graph.js";

const graph = (edges: Record<string, string[]>) => ({
  steps: Object.entries(edges).map(([id, dependsOn]) => ({ id, dependsOn })),
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOrdoError(error) ? error.code : "not-ordo";
  }
  return undefined;
}

describe("topologicalOrder", () => {
  it("puts every step after its dependencies, ties in declaration order", () => {
    expect(topologicalOrder(graph({ c: ["a", "b"], a: [], b: ["a"] }))).toEqual(["a", "b", "c"]);
    expect(topologicalOrder(graph({ z: [], y: [], x: [] }))).toEqual(["z", "y", "x"]);
    // Diamond: the two middle steps keep their declaration order.
    expect(
      topologicalOrder(
        graph({ join: ["right", "left"], right: ["root"], left: ["root"], root: [] }),
      ),
    ).toEqual(["root", "right", "left", "join"]);
  });

  it("tolerates duplicate dependencies", () => {
    expect(topologicalOrder(graph({ a: [], b: ["a", "a"] }))).toEqual(["a", "b"]);
  });

  it("throws IR_CYCLE on a cycle and IR_UNKNOWN_DEPENDENCY on a missing step", () => {
    expect(codeOf(() => topologicalOrder(graph({ a: ["b"], b: ["a"], c: [] })))).toBe("IR_CYCLE");
    expect(codeOf(() => topologicalOrder(graph({ a: ["a"] })))).toBe("IR_CYCLE");
    expect(codeOf(() => topologicalOrder(graph({ a: ["ghost"] })))).toBe("IR_UNKNOWN_DEPENDENCY");
  });
});

describe("dependentsOf", () => {
  it("lists direct dependents for every step", () => {
    expect(dependentsOf(graph({ a: [], b: ["a"], c: ["a", "b", "a"] }))).toEqual({
      a: ["b", "c"],
      b: ["c"],
      c: [],
    });
  });
});

describe("ancestorsOf", () => {
  it("returns transitive dependencies only", () => {
    const g = graph({ a: [], b: ["a"], c: ["b"], d: [] });
    expect([...ancestorsOf(g, "c")].sort()).toEqual(["a", "b"]);
    expect([...ancestorsOf(g, "a")]).toEqual([]);
    expect([...ancestorsOf(g, "missing")]).toEqual([]);
  });
});
