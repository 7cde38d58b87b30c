import { describe, expect, it } from "vitest";
import type { HotStore } from "../hot/hot-store.js";
import { Keyspace } from "../hot/keys.js";
import type { ClaimedStep } from "../hot/scripts.js";
import { Flights } from "./flights.js";
import type { InFlight } from "./step-runner.js";

type Cause = Parameters<InFlight["abort"]>[0];

function flight(causes: Cause[]): InFlight {
  return { item: { partition: 0 } as ClaimedStep, abort: (cause) => causes.push(cause) };
}

describe("Flights", () => {
  // The cancel check never runs within these tests (60 s interval, unref'd): no store is needed.
  const make = () => new Flights({} as HotStore, new Keyspace("t", 1), 60_000);

  it("aborts the attempts in flight with the close cause", () => {
    const flights = make();
    const causes: Cause[] = [];
    flights.add(flight(causes));
    flights.abortAll("abandon");
    expect(causes).toEqual(["abandon"]);
    flights.stop();
  });

  it("aborts an attempt registered after close began (it was still in admission)", () => {
    const flights = make();
    const causes: Cause[] = [];
    flights.abortAll("abandon");
    flights.add(flight(causes));
    expect(causes).toEqual(["abandon"]);
    flights.stop();
  });

  it("keeps the first close cause when the drain timeout later releases", () => {
    const flights = make();
    const causes: Cause[] = [];
    flights.abortAll("abandon");
    flights.abortAll("shutdown");
    flights.add(flight(causes));
    expect(causes).toEqual(["abandon"]);
    flights.stop();
  });
});
