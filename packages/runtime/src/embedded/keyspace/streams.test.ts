import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../embedded-redis.js";

/** The reference: every entry, filtered by inclusive bounds, in order. */
function naive(ids: readonly [number, number][], lo: [number, number], hi: [number, number]) {
  const cmp = (a: [number, number], b: [number, number]) =>
    a[0] === b[0] ? a[1] - b[1] : a[0] - b[0];
  return ids
    .filter((id) => cmp(id, lo) >= 0 && cmp(id, hi) <= 0)
    .map(([ms, seq]) => `${ms}-${seq}`);
}

describe("XRANGE / XREVRANGE (binary search)", () => {
  it("returns what a full scan returns, for inclusive, exclusive and open bounds", async () => {
    const redis = new EmbeddedRedis();
    const ids: [number, number][] = [];
    for (let ms = 1; ms <= 40; ms++) {
      for (let seq = 0; seq < (ms % 4) + 1; seq++) {
        await redis.call("XADD", "s", `${ms}-${seq}`, "f", "v");
        ids.push([ms, seq]);
      }
    }
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const a: [number, number] = [rand(44), rand(5)];
      const b: [number, number] = [rand(44), rand(5)];
      const [lo, hi] = a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) ? [a, b] : [b, a];
      const count = rand(6) + 1;
      const forward = (await redis.call(
        "XRANGE",
        "s",
        `${lo[0]}-${lo[1]}`,
        `${hi[0]}-${hi[1]}`,
        "COUNT",
        count,
      )) as [string][];
      expect(forward.map((e) => e[0])).toEqual(naive(ids, lo, hi).slice(0, count));
      const backward = (await redis.call("XREVRANGE", "s", `${hi[0]}-${hi[1]}`, `${lo[0]}`)) as [
        string,
      ][];
      expect(backward.map((e) => e[0])).toEqual(naive(ids, [lo[0], 0], hi).reverse());
      const exclusive = (await redis.call("XRANGE", "s", `(${lo[0]}-${lo[1]}`, `${hi[0]}`)) as [
        string,
      ][];
      expect(exclusive.map((e) => e[0])).toEqual(
        naive(ids, [lo[0], lo[1] + 1], [hi[0], Number.MAX_SAFE_INTEGER]),
      );
    }
    const all = (await redis.call("XRANGE", "s", "-", "+")) as [string][];
    expect(all.map((e) => e[0])).toEqual(naive(ids, [0, 0], [99, 99]));
  });
});
