/**
 * {@link LuaHost} on `lua-wasm-bindings` 0.5.3: PUC Lua 5.1.5 (the Lua Redis embeds) compiled to
 * WASM. The package exports only a handful of C API functions (no `lua_pushcfunction`), so the
 * bridge goes through two libc calls we intercept at instantiation: `system()` (Lua's
 * `os.execute`) receives requests, `read(0, ...)` (Lua's `io.read`) delivers answers. See
 * prelude.ts for the wire format. One WASM instance per host, one Lua state per instance.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ErrorReply, type Reply, StatusReply } from "../reply.js";
import type { LuaCallbacks, LuaHost } from "./lua-host.js";
import { PRELUDE_LUA } from "./prelude.js";

const require = createRequire(import.meta.url);
const GLUE = "lua-wasm-bindings/dist/glue/glue-lua-5.1.5.js";
const LUA_GLOBALSINDEX = -10002;

/** The slice of the WebAssembly API we use (the project's `lib` has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Imports) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Imports = Record<string, Record<string, (...args: number[]) => number>>;

interface GlueModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  _luaL_newstate(): number;
  _luaL_openlibs(L: number): void;
  _lua_pcall(L: number, nargs: number, nresults: number, errfunc: number): number;
  _lua_getfield(L: number, idx: number, name: number): void;
  _malloc(size: number): number;
  _lua_settop(L: number, top: number): void;
  _lua_close(L: number): void;
}

type GlueFactory = (overrides: Record<string, unknown>) => GlueModule;

let wasmModule: object | undefined;

/** Compiles the WASM binary once per process; instances are cheap after that. */
function compiled(): object {
  if (!wasmModule) {
    const path = require.resolve("lua-wasm-bindings/dist/glue/glue-lua-5.1.5.wasm");
    wasmModule = new Wasm.Module(readFileSync(path));
  }
  return wasmModule;
}

/** Parses `<len>:` at `pos`; returns [len, position after the colon]. */
function lengthAt(heap: Uint8Array, pos: number): [number, number] {
  let n = 0;
  let c = heap[pos] ?? 58;
  while (c !== 58) {
    n = n * 10 + (c - 48);
    c = heap[++pos] ?? 58;
  }
  return [n, pos + 1];
}

/** Encodes a reply in the answer format the Lua side decodes. */
export function encodeAnswer(reply: Reply, out: string[]): void {
  if (typeof reply === "string") out.push(`$${reply.length}:`, reply);
  else if (typeof reply === "number") out.push(`:${Math.trunc(reply)};`);
  else if (reply === null) out.push("n");
  else if (reply instanceof StatusReply) out.push(`+${reply.status.length}:`, reply.status);
  else if (reply instanceof ErrorReply) out.push(`-${reply.message.length}:`, reply.message);
  else {
    out.push(`*${reply.length}:`);
    for (const item of reply) encodeAnswer(item, out);
  }
}

/** Parses the `D` (done) payload of a finished script into a reply. */
function parseResult(s: string, pos: number): [Reply, number] {
  const t = s[pos];
  if (t === "n") return [null, pos + 1];
  if (t === ":") {
    const end = s.indexOf(";", pos);
    return [Number(s.slice(pos + 1, end)), end + 1];
  }
  const colon = s.indexOf(":", pos);
  const n = Number(s.slice(pos + 1, colon));
  if (t === "*") {
    const items: Reply[] = [];
    let at = colon + 1;
    for (let i = 0; i < n; i++) {
      const [item, next] = parseResult(s, at);
      items.push(item);
      at = next;
    }
    return [items, at];
  }
  const body = s.slice(colon + 1, colon + 1 + n);
  const value = t === "$" ? body : t === "+" ? new StatusReply(body) : new ErrorReply(body);
  return [value, colon + 1 + n];
}

/** A Lua 5.1 VM in WASM with Redis's scripting environment. */
export class WasmLuaHost implements LuaHost {
  private readonly glue: GlueModule;
  private readonly state: number;
  /** `"__ordo_run\0"` in WASM memory, so invoking a script marshals no string. */
  private readonly runName: number;
  private readonly defined = new Set<string>();
  /** Bytes JS owes Lua's stdin (latin1), and how far Lua has read them. */
  private pending = "";
  private pendingAt = 0;
  private job: Reply = null;
  private result: Reply = null;
  private callbacks: LuaCallbacks | undefined;
  private sha = "";

  constructor() {
    this.glue = this.instantiate();
    this.runName = this.cString("__ordo_run");
    this.state = this.glue._luaL_newstate();
    this.glue._luaL_openlibs(this.state);
    const load = this.glue.cwrap("luaL_loadbuffer", "number", [
      "number",
      "string",
      "number",
      "string",
    ]);
    const status = load(this.state, PRELUDE_LUA, Buffer.byteLength(PRELUDE_LUA), "=prelude");
    if (status !== 0 || this.glue._lua_pcall(this.state, 0, 0, 0) !== 0) {
      const tostring = this.glue.cwrap("lua_tolstring", "string", ["number", "number", "number"]);
      throw new Error(`embedded Lua prelude failed: ${String(tostring(this.state, -1, 0))}`);
    }
  }

  /** Instantiates the WASM with our `system`/`fd_read` imports and without the glue's
   *  process-wide `uncaughtException`/`unhandledRejection` listeners. */
  private instantiate(): GlueModule {
    const factory = require(GLUE) as GlueFactory;
    const before = {
      uncaught: new Set(process.listeners("uncaughtException")),
      rejection: new Set(process.listeners("unhandledRejection")),
    };
    const glue = factory({
      print: () => {},
      printErr: () => {},
      instantiateWasm: (imports: Imports, receive: (i: { exports: unknown }) => void) => {
        const env = imports.a;
        if (!env) throw new Error("unexpected lua-wasm-bindings glue: no import module 'a'");
        const fdRead = env.k;
        // `s` is system(), `k` is fd_read in this build (checked by the conformance suite).
        env.s = (ptr: number) => this.onRequest(ptr);
        env.k = (fd: number, iov: number, iovcnt: number, pnum: number) =>
          fd === 0 ? this.onRead(iov, iovcnt, pnum) : (fdRead?.(fd, iov, iovcnt, pnum) ?? 8);
        const instance = new Wasm.Instance(compiled(), imports);
        receive(instance);
        return instance.exports;
      },
    });
    for (const listener of process.listeners("uncaughtException")) {
      if (!before.uncaught.has(listener)) process.off("uncaughtException", listener);
    }
    for (const listener of process.listeners("unhandledRejection")) {
      if (!before.rejection.has(listener)) process.off("unhandledRejection", listener);
    }
    return glue;
  }

  /** Copies an ASCII string into WASM memory, NUL-terminated, for the life of the host. */
  private cString(text: string): number {
    const ptr = this.glue._malloc(text.length + 1);
    for (let i = 0; i < text.length; i++) this.glue.HEAPU8[ptr + i] = text.charCodeAt(i);
    this.glue.HEAPU8[ptr + text.length] = 0;
    return ptr;
  }

  /** Reads the request at `ptr` as [op, ...binary args]. */
  private readRequest(ptr: number): [string, string[]] {
    const heap = this.glue.HEAPU8;
    const op = String.fromCharCode(heap[ptr] ?? 0);
    const args: string[] = [];
    let pos = ptr + 1;
    const buffer = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
    while (heap[pos] !== 0) {
      const [n, start] = lengthAt(heap, pos);
      args.push(buffer.toString("latin1", start, start + n));
      pos = start + n;
    }
    return [op, args];
  }

  /** Lua called `os.execute(request)`: act, stage the answer, return its byte length. */
  private onRequest(ptr: number): number {
    const [op, args] = this.readRequest(ptr);
    let answer: Reply;
    switch (op) {
      case "J":
        answer = this.job;
        break;
      case "C":
        answer = this.callbacks ? this.callbacks.call(args) : new ErrorReply("ERR no script");
        break;
      case "H":
        answer = this.callbacks?.sha1hex(args[0] ?? "") ?? "";
        break;
      case "D":
        this.result = args[0] ? parseResult(args[0], 0)[0] : null;
        return 0;
      case "E":
        this.result = this.errorResult(args[0] ?? "ERR", args[1] ?? "");
        return 0;
      default:
        return 0;
    }
    const out: string[] = [];
    encodeAnswer(answer, out);
    this.pending = out.join("");
    this.pendingAt = 0;
    return this.pending.length;
  }

  private errorResult(message: string, where: string): ErrorReply {
    if (where === "" || this.sha === "") return new ErrorReply(message);
    return new ErrorReply(`${message} script: ${this.sha}, on ${where}.`);
  }

  /** Lua's stdin wants bytes: copy what is staged into the iovecs. */
  private onRead(iov: number, iovcnt: number, pnum: number): number {
    const heap = this.glue.HEAPU8;
    const words = this.glue.HEAP32;
    const buffer = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
    let total = 0;
    for (let i = 0; i < iovcnt && this.pendingAt < this.pending.length; i++) {
      const ptr = words[(iov >> 2) + i * 2] ?? 0;
      const len = words[(iov >> 2) + i * 2 + 1] ?? 0;
      const take = Math.min(len, this.pending.length - this.pendingAt);
      buffer.write(this.pending.slice(this.pendingAt, this.pendingAt + take), ptr, take, "latin1");
      this.pendingAt += take;
      total += take;
    }
    words[pnum >> 2] = total;
    return 0;
  }

  private invoke(job: Reply, callbacks?: LuaCallbacks): Reply {
    this.job = job;
    this.callbacks = callbacks;
    this.result = null;
    this.glue._lua_getfield(this.state, LUA_GLOBALSINDEX, this.runName);
    const status = this.glue._lua_pcall(this.state, 0, 0, 0);
    this.glue._lua_settop(this.state, 0);
    this.callbacks = undefined;
    this.job = null;
    if (status !== 0) return new ErrorReply("ERR embedded Lua host failure");
    return this.result;
  }

  define(sha: string, source: string): string | undefined {
    this.sha = "";
    const result = this.invoke(["L", sha, source]);
    if (result instanceof ErrorReply) return result.message;
    this.defined.add(sha);
    return undefined;
  }

  has(sha: string): boolean {
    return this.defined.has(sha);
  }

  run(
    sha: string,
    keys: readonly string[],
    argv: readonly string[],
    callbacks: LuaCallbacks,
  ): Reply {
    if (!this.defined.has(sha))
      return new ErrorReply("NOSCRIPT No matching script. Please use EVAL.");
    this.sha = sha;
    return this.invoke(["X", sha, keys.length, ...keys, ...argv], callbacks);
  }

  flush(): void {
    this.defined.clear();
  }

  close(): void {
    this.glue._lua_close(this.state);
  }
}
