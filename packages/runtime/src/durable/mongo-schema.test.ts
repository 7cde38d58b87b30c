import { OrdoError } from "@ordo/core";
import {
  BSON,
  MongoBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";
import { describe, expect, it } from "vitest";
import { chainEvents, verifyChain } from "./ledger-chain.js";
import {
  bytesOf,
  collectionNames,
  documentToEvent,
  eventToDocument,
  expiryField,
  isDuplicateKeyError,
  mongoErrorToOrdo,
} from "./mongo-schema.js";
import { GENESIS_HASH } from "./types.js";

// These run without a server: they push documents through the driver's real BSON codec.
const roundTrip = (doc: BSON.Document) => BSON.deserialize(BSON.serialize(doc));

describe("MongoDB document mapping", () => {
  it("round-trips ledger events through BSON so their hashes still verify", () => {
    const events = chainEvents(GENESIS_HASH, [
      {
        executionId: "e1",
        seq: 1,
        type: "step.completed",
        category: "step",
        at: 1_700_000_000_123,
        attempt: 2,
        data: {
          $ref: "steps.a.output",
          "dotted.key": [1, 2.5, null],
          big: 2 ** 53 - 1,
          s: "\u0000😀",
        },
      },
      { executionId: "e1", seq: 2, type: "execution.completed", category: "execution", at: 1 },
    ]);
    const docs = events.map((e) =>
      roundTrip({ _id: new BSON.ObjectId(), ...eventToDocument(e, 5) }),
    );
    expect(docs[0]!.expiresAt).toEqual(new Date(5));
    expect(typeof docs[0]!.dataJson).toBe("string");
    const back = docs.map(documentToEvent);
    expect(back).toEqual(events);
    expect(verifyChain(back).ok).toBe(true);
  });

  it("reads Binary payload data back as the exact bytes", () => {
    const bytes = Buffer.from([0, 1, 2, 0, 255, 0]);
    const doc = roundTrip({ data: bytes });
    expect(Buffer.compare(bytesOf(doc.data), bytes)).toBe(0);
    expect(Buffer.compare(bytesOf(bytes), bytes)).toBe(0);
  });

  it("recognises duplicate-key errors, alone or in a bulk write", () => {
    const dup = new MongoServerError({ message: "E11000 duplicate key", code: 11000 });
    expect(isDuplicateKeyError(dup)).toBe(true);
    expect(isDuplicateKeyError(new MongoServerError({ message: "other", code: 2 }))).toBe(false);
    const bulk = Object.assign(Object.create(MongoBulkWriteError.prototype), {
      code: 11000,
      writeErrors: [{ code: 11000 }, { code: 121 }],
    });
    expect(isDuplicateKeyError(bulk)).toBe(false);
    expect(isDuplicateKeyError({ writeErrors: { code: 11000 } })).toBe(true);
    expect(isDuplicateKeyError(new Error("x"))).toBe(false);
  });

  it("names collections by prefix and writes TTL dates only when set", () => {
    expect(collectionNames("x_").chunks).toBe("x_payload_chunks");
    expect(expiryField(undefined)).toEqual({});
    expect(expiryField(null)).toEqual({});
    expect(expiryField(10)).toEqual({ expiresAt: new Date(10) });
  });

  it("maps driver errors to retryable CONNECTION only when retrying can help", () => {
    const code = (error: unknown) => {
      const mapped = mongoErrorToOrdo(error, "append ledger events");
      return [mapped.code, mapped.retryable];
    };
    expect(code(new MongoNetworkError("connection reset"))).toEqual(["CONNECTION", true]);
    expect(
      code(Object.assign(Object.create(MongoServerSelectionError.prototype), { message: "x" })),
    ).toEqual(["CONNECTION", true]);
    // A primary stepping down, with or without the driver's retryable label.
    expect(code(new MongoServerError({ message: "not primary", code: 10107 }))).toEqual([
      "CONNECTION",
      true,
    ]);
    expect(
      code(new MongoServerError({ message: "x", code: 1, errorLabels: ["RetryableWriteError"] })),
    ).toEqual(["CONNECTION", true]);
    // A bad document or a failed validation will fail again.
    expect(code(new MongoServerError({ message: "validation", code: 121 }))).toEqual([
      "INTERNAL",
      false,
    ]);
    expect(code(new Error("boom"))).toEqual(["INTERNAL", false]);
    const own = new OrdoError("PAYLOAD_TOO_LARGE", "big");
    expect(mongoErrorToOrdo(own, "x")).toBe(own);
    expect(mongoErrorToOrdo(new Error("boom"), "store a payload").message).toBe(
      "MongoDB failed to store a payload: Error: boom",
    );
  });
});
