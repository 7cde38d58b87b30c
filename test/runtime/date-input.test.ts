/**
 * Canonical JSON rejects a Date (docs/concepts/ir.md, "Canonical JSON"), but a user's input
 * object crosses the JSON boundary first: `client.start()` stores it with JSON.stringify, so a
 * Date runs as its ISO string and the execution fingerprint equals that of the ISO-string input.
 */
import { canonicalJson, isOrdoError } from "@ordo/core";
import { describe, expect, it } from "vitest";
import { EmbeddedRedis } from "../../packages/runtime/src/embedded/index.js";
import { createClient, createWorker } from "../../packages/runtime/src/index.js";
import { testIr } from "./helpers/ir.js";
import { echo } from "./helpers/plugins.js";

describe("a Date in a user's input", () => {
  it("runs as its ISO string, with the ISO-string input's fingerprint", async () => {
    const connection = { embedded: new EmbeddedRedis() };
    const worker = createWorker({ connection, plugins: [echo] });
    const client = createClient({ connection });
    const ir = testIr([{ id: "a", inputs: { value: { $ref: "input.at" } } }]);
    const at = new Date(Date.UTC(2024, 0, 2));
    const iso = at.toISOString();
    try {
      expect(() => canonicalJson({ at })).toThrow(
        expect.objectContaining({ code: "NOT_JSON" }) as unknown as Error,
      );
      // The engine's input type is JsonValue; a caller holding a Date passes it through a cast.
      const withDate = await client.start(ir, { at } as unknown as { at: string });
      const withIso = await client.start(ir, { at: iso });
      await withDate.result({ timeoutMs: 5_000 });
      await withIso.result({ timeoutMs: 5_000 });
      const [a, b] = [await withDate.status(), await withIso.status()];
      expect(a.steps.a?.output).toEqual({ value: iso });
      expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(a.fingerprint).toBe(b.fingerprint);
    } finally {
      await worker.close();
      await client.close();
    }
  });

  it("is refused by canonicalJson with the path and a hint", () => {
    try {
      canonicalJson({ input: { at: new Date(0) } });
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error) && error.details?.path).toBe("$.input.at");
      expect((error as Error).message).toMatch(/toISOString/);
    }
  });
});
