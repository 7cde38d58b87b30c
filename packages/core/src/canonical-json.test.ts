import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex } from "./canonical-json.js";
import { isOrdoError } from "./errors.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isOrdoError(error) ? error.code : "not-ordo";
  }
  return undefined;
}

describe("canonicalJson", () => {
  it("sorts keys by UTF-16 code units at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: { z: 1, a: 2 }, a: [3, { d: 4, c: 5 }] })).toBe(
      '{"a":[3,{"c":5,"d":4}],"b":{"a":2,"z":1}}',
    );
  });

  it("orders unicode keys by code units, not code points (RFC 8785 3.2.3)", () => {
    // U+FB01 (one code unit 0xFB01) sorts after U+1F600 (surrogates 0xD83D 0xDE00),
    // although its code point is smaller.
    const text = canonicalJson({ "\uFB01": 1, "\u{1F600}": 2, é: 3, a: 4, Z: 5 });
    expect(text).toBe('{"Z":5,"a":4,"é":3,"\u{1F600}":2,"\uFB01":1}');
  });

  it("formats numbers in ECMAScript shortest form", () => {
    expect(canonicalJson([1.0, -0, 1e21, 1e-7, 0.1 + 0.2, 100, -1.5e300])).toBe(
      "[1,0,1e+21,1e-7,0.30000000000000004,100,-1.5e+300]",
    );
  });

  it("escapes strings like JSON.stringify", () => {
    expect(canonicalJson('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\u0001é"');
  });

  it("omits undefined object members at every depth but keeps null", () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined } })).toBe('{"b":null,"c":{}}');
  });

  it("rejects a Date instead of calling toJSON, and names the path", () => {
    // Decision (docs/concepts/ir.md): only plain JSON is hashed; a Date must be converted by the
    // caller. Its ISO string, what JSON.stringify stores, still serialises as usual.
    try {
      canonicalJson({ at: new Date(Date.UTC(2024, 0, 2)) });
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error) && error.code).toBe("NOT_JSON");
      expect(isOrdoError(error) && error.details?.path).toBe("$.at");
      expect((error as Error).message).toContain("toISOString");
    }
    const stored = JSON.parse(JSON.stringify({ at: new Date(Date.UTC(2024, 0, 2)) }));
    expect(canonicalJson(stored)).toBe('{"at":"2024-01-02T00:00:00.000Z"}');
  });

  it("keeps nested arrays in order", () => {
    expect(canonicalJson([[3, [2, [1]]], []])).toBe("[[3,[2,[1]]],[]]");
  });

  it("rejects every value that is not JSON with NOT_JSON", () => {
    expect(codeOf(() => canonicalJson({ a: Number.NaN }))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson([Number.POSITIVE_INFINITY]))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson({ n: 1n }))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson(undefined))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson([undefined]))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson({ f: () => 1 }))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson({ s: Symbol("x") }))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson({ a: Buffer.from("x") }))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson(new Map()))).toBe("NOT_JSON");
    // toJSON is never called: it is just a function member.
    expect(codeOf(() => canonicalJson({ a: { toJSON: () => 1 } }))).toBe("NOT_JSON");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(codeOf(() => canonicalJson(cyclic))).toBe("NOT_JSON");
  });

  it("rejects lone surrogates in strings and keys (RFC 8785 takes I-JSON)", () => {
    expect(codeOf(() => canonicalJson("\ud800"))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson({ "\udc00": 1 }))).toBe("NOT_JSON");
    expect(codeOf(() => canonicalJson(["a\ud83d"]))).toBe("NOT_JSON");
    expect(canonicalJson("\ud83d\ude00")).toBe('"\u{1F600}"');
  });

  it("accepts objects without a prototype", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
  });

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

  it("names the path of the offending value", () => {
    try {
      canonicalJson({ a: [1, { b: Number.NaN }] });
      expect.unreachable();
    } catch (error) {
      expect(isOrdoError(error) && error.details?.path).toBe("$.a[1].b");
    }
  });

  it("accepts a shared (non-cyclic) object twice", () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it("round-trips: parsing the output gives an equal value, and re-serialising is a fixpoint", () => {
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
  it("hashes UTF-8 text to lowercase hex", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(sha256Hex(new TextEncoder().encode("abc"))).toBe(sha256Hex("abc"));
    expect(sha256Hex("é")).toBe(sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });
});
