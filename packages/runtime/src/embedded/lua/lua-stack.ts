/**
 * Direct access to the running Lua 5.1 state's stack in WASM memory, for the fast bridge: while
 * `os.execute` (our `system()` import) runs, JS reads its arguments straight off the C frame
 * (no Lua-side request string) and hands string replies back with `lua_pushstring`.
 *
 * It relies on PUC Lua 5.1.5's struct layout on wasm32 (offsets below). The host checks the
 * layout once per state with a probe call of known arguments and falls back to the string
 * protocol when anything differs, so a different build degrades to slower, never to wrong.
 */
import { g17 } from "../keyspace/zsets.js";

/** `lua_State` fields (bytes): CommonHeader(6) + status, then pointers. */
const L_TOP = 8;
const L_BASE = 12;
const L_STACK_LAST = 28;
/** `TValue` = { Value (8, a double or a pointer), int tt } padded to 16. */
const TVALUE = 16;
const TT = 8;
/** `TString` header: CommonHeader, reserved, hash (8), len (12), bytes from 16. */
const TSTRING_LEN = 12;
const TSTRING_DATA = 16;

export const T_NIL = 0;
export const T_BOOLEAN = 1;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_TABLE = 5;

/** Strings up to this length are decoded by a loop (V8 keeps them flat and short). */
const SHORT = 24;
/** Up to this length `String.fromCharCode.apply` (no Buffer call overhead, bounded arguments). */
const LONG = 4096;

/** The WASM exports and heap views the stack access needs. */
export interface StackGlue {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPF64: Float64Array;
  _lua_pushstring(L: number, s: number): void;
  _malloc(size: number): number;
}

/**
 * A number argument as Redis 7.0 passes it to a command: `%.17g` (so 1e17 and up in exponent
 * form). Undefined for NaN, whose text (`nan`/`-nan`) the C printf decides.
 */
export function formatArgNumber(n: number): string | undefined {
  if (Number.isNaN(n)) return undefined;
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
    return Object.is(n, -0) ? "-0" : String(n);
  }
  return g17(n);
}

/** Views of one Lua state's stack; refreshes its heap views when WASM memory grows. */
export class LuaStack {
  private u8: Uint8Array;
  private i32: Int32Array;
  private f64: Float64Array;
  private bytes: Buffer;
  /** A malloc'd area for strings on their way into Lua (grown by doubling; never freed:
   *  this build exports no `free`, so a host leaks at most twice its largest reply). */
  private scratch = 0;
  /** The export itself: the glue object is a slow dictionary-mode object on hot paths. */
  private readonly pushstring: (L: number, s: number) => void;
  private scratchSize = 0;

  constructor(
    private readonly glue: StackGlue,
    private readonly L: number,
  ) {
    this.pushstring = glue._lua_pushstring;
    this.u8 = glue.HEAPU8;
    this.i32 = glue.HEAP32;
    this.f64 = glue.HEAPF64;
    this.bytes = Buffer.from(this.u8.buffer, this.u8.byteOffset, this.u8.byteLength);
  }

  /** Re-reads the heap views if memory grew (any call into WASM may grow it; growing detaches
   *  the old ArrayBuffer, so a zero length is the cheap signal, no glue property lookup). */
  refresh(): void {
    if (this.u8.byteLength !== 0) return;
    this.u8 = this.glue.HEAPU8;
    this.i32 = this.glue.HEAP32;
    this.f64 = this.glue.HEAPF64;
    this.bytes = Buffer.from(this.u8.buffer, this.u8.byteOffset, this.u8.byteLength);
  }

  /** The WASM heap as a Buffer (for latin1 reads and writes). */
  heap(): Buffer {
    return this.bytes;
  }

  /** Address of the `i`-th (1-based) value of the running function's frame. */
  slot(i: number): number {
    return (this.i32[(this.L + L_BASE) >> 2] as number) + (i - 1) * TVALUE;
  }

  /** Number of values in the running function's frame. */
  frameSize(): number {
    const i32 = this.i32;
    return (
      ((i32[(this.L + L_TOP) >> 2] as number) - (i32[(this.L + L_BASE) >> 2] as number)) / TVALUE
    );
  }

  /** Free slots above the top (pushes beyond it would overrun the stack). */
  room(): number {
    const i32 = this.i32;
    return (
      ((i32[(this.L + L_STACK_LAST) >> 2] as number) - (i32[(this.L + L_TOP) >> 2] as number)) /
      TVALUE
    );
  }

  typeAt(slot: number): number {
    return this.i32[(slot + TT) >> 2] as number;
  }

  /** The GC pointer (tables, strings) or the boolean of a slot. */
  wordAt(slot: number): number {
    return this.i32[slot >> 2] as number;
  }

  numberAt(slot: number): number {
    return this.f64[slot >> 3] as number;
  }

  /** The bytes of a string slot as a binary string (one char per byte). */
  stringAt(slot: number): string {
    const ts = this.i32[slot >> 2] as number;
    const len = this.i32[(ts + TSTRING_LEN) >> 2] as number;
    const start = ts + TSTRING_DATA;
    if (len > SHORT) {
      if (len > LONG) return this.bytes.toString("latin1", start, start + len);
      return String.fromCharCode.apply(
        null,
        this.u8.subarray(start, start + len) as unknown as number[],
      );
    }
    const u8 = this.u8;
    let text = "";
    for (let i = start; i < start + len; i++) text += String.fromCharCode(u8[i] as number);
    return text;
  }

  /**
   * Pushes a binary string (`lua_pushstring`, so it must hold no NUL byte).
   * @returns false, having pushed nothing, when the string holds a NUL.
   */
  pushString(text: string): boolean {
    const n = text.length;
    if (n + 1 > this.scratchSize) this.grow(n + 1);
    const u8 = this.u8;
    const at = this.scratch;
    if (n > 64) {
      if (text.indexOf("\u0000") >= 0) return false;
      this.bytes.write(text, at, n, "latin1");
    } else {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 0) return false;
        u8[at + i] = c;
      }
    }
    u8[at + n] = 0;
    this.pushstring(this.L, at);
    this.refresh();
    return true;
  }

  private grow(size: number): void {
    this.scratchSize = Math.max(size, this.scratchSize * 2, 4096);
    this.scratch = this.glue._malloc(this.scratchSize);
    this.refresh();
    if (this.scratch === 0) throw new Error("embedded Lua: out of WASM memory");
  }
}
