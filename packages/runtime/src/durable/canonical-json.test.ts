import { isOrdoError } from "@ordo/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex } from "./canonical-json.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOrdoError(error) ? error.code : "not-ordo";
  }
  return undefined;
}

describe("canonicalJson", () => {
  it("matches the RFC 8785 example (numbers, escapes, literals, key order)", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts keys by UTF-16 code units (RFC 8785 sorting example)", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    const keys = Object.keys(JSON.parse(canonicalJson(input)));
    expect(keys).toEqual(["1", "\r", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"]);
    // JSON.parse reorders integer-like keys, so also check the raw text order.
    expect(canonicalJson(input).indexOf('"\\r"')).toBeLessThan(canonicalJson(input).indexOf('"1"'));
  });

  it("formats edge numbers in ECMAScript shortest form", () => {
    expect(canonicalJson([-0, 0, 1e21, 1e-7, 0.1, 123456789012345680000, 5e-324])).toBe(
      "[0,0,1e+21,1e-7,0.1,123456789012345680000,5e-324]",
    );
  });

  it("omits undefined object members but keeps null", () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined } })).toBe('{"b":null,"c":{}}');
  });

  it("is independent of insertion order and has no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { y: [1, { q: 2, p: 1 }], x: "s" } })).toBe(
      '{"a":{"x":"s","y":[1,{"p":1,"q":2}]},"b":1}',
    );
  });

  it("rejects values that are not JSON with INPUT_INVALID", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(codeOf(() => canonicalJson(Number.NaN))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson({ a: Number.POSITIVE_INFINITY }))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson([undefined]))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson(undefined))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson({ a: 1n }))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson({ a: new Date(0) }))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson({ a: Buffer.from("x") }))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson(cyclic))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson("\ud800"))).toBe("INPUT_INVALID");
    expect(codeOf(() => canonicalJson({ "\udc00": 1 }))).toBe("INPUT_INVALID");
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it("round-trips any JSON value to an equal value, and is stable across key order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe("sha256Hex", () => {
  it("hashes strings as UTF-8 and bytes as given", () => {
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(sha256Hex(new TextEncoder().encode("€"))).toBe(sha256Hex("€"));
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
