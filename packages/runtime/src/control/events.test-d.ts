import { describe, expectTypeOf, test } from "vitest";
import type { ExecutionHandle } from "../engine/handle.js";
import type { HotLedgerEvent } from "../engine/ledger.js";
import type { ExecutionEvent } from "./follow-merge.js";

type Yielded<T> = T extends AsyncIterableIterator<infer E> ? E : never;
declare const run: ExecutionHandle;
declare const flag: boolean;

describe("events() element type follows the progress option", () => {
  test("without progress: plain ledger events, as before", () => {
    const plain = run.events();
    expectTypeOf<Yielded<typeof plain>>().toEqualTypeOf<HotLedgerEvent>();
    const e = run.events({ untilFinished: false, progress: false });
    expectTypeOf<Yielded<typeof e>>().toEqualTypeOf<HotLedgerEvent>();
  });

  test("progress: true yields the discriminated union", () => {
    const e = run.events({ progress: true });
    expectTypeOf<Yielded<typeof e>>().toEqualTypeOf<ExecutionEvent>();
    const narrow = (x: ExecutionEvent) => (x.kind === "progress" ? x.afterLedgerSeq : x.seq);
    expectTypeOf(narrow).returns.toEqualTypeOf<number>();
  });

  test("a boolean only known at run time yields either", () => {
    const e = run.events({ progress: flag });
    expectTypeOf<Yielded<typeof e>>().toEqualTypeOf<HotLedgerEvent | ExecutionEvent>();
    // @ts-expect-error a progress event has no seq: narrow first
    const seq = (x: Yielded<typeof e>) => x.seq;
    void seq;
  });
});
