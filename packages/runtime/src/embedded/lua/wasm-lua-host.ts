/**
 * {@link LuaHost} on `lua-wasm-bindings` 0.5.3: PUC Lua 5.1.5 (the Lua Redis embeds) compiled to
 * WASM. The package exports only a handful of C API functions (no `lua_pushcfunction`), so the
 * bridge goes through two libc calls we intercept at instantiation: `system()` (Lua's
 * `os.execute`) receives requests, `read(0, ...)` (Lua's `io.read`) delivers answers. See
 * prelude.ts for the wire format. One WASM instance per host, one Lua state per instance.
 */
import { ErrorReply, type Reply, StatusReply } from "../reply.js";
import type { LuaCallbacks, LuaHost } from "./lua-host.js";
import { formatArgNumber, LuaStack, T_BOOLEAN, T_NUMBER, T_STRING, T_TABLE } from "./lua-stack.js";
import { PRELUDE_LUA } from "./prelude.js";
import { type GlueModule, instantiateGlue } from "./wasm-glue.js";
import { encodeAnswer, lengthAt, parseResult } from "./wire.js";

const LUA_GLOBALSINDEX = -10002;

/** The C API functions used per call, copied off the glue (a dictionary-mode object). */
interface LuaApi {
  readonly gettop: (L: number) => number;
  readonly settop: (L: number, top: number) => void;
  readonly getfield: (L: number, idx: number, name: number) => void;
  readonly setfield: (L: number, idx: number, name: number) => void;
  readonly call: (L: number, nargs: number, nresults: number) => void;
  readonly pcall: (L: number, nargs: number, nresults: number, errfunc: number) => number;
}

/** Codes of the fast bridge's `os.execute` return value (prelude.ts decodes them). */
const FAST_NIL = 3;
const FAST_BULK = 1;
const FAST_ERROR = 5;
const FAST_STATUS = 7;
/** Retry over the string protocol (an argument JS cannot read, e.g. NaN, or a coroutine). */
const FAST_FALLBACK = 9;
/** `11 + 2 * byteLength`: an encoded answer is staged on stdin. Even values are integers x2. */
const FAST_STAGED = 11;
const FAST_INT_LIMIT = 0x40000000;
const NO_JOB = (): Reply => null;
/** Longest flat array handed over by {@link WasmLuaHost.packArray} (longer ones are staged). */
const PACK_LIMIT = 64;
/**
 * Most script arguments pushed straight onto the Lua stack; more go over the string protocol.
 * Large argument lists pushed directly (a definition with many steps, a batch create) corrupted
 * the VM's memory ("memory access out of bounds") even when `room()` said they fit.
 */
const MAX_STACK_ARGS = 20;

/** A Lua 5.1 VM in WASM with Redis's scripting environment. */
export class WasmLuaHost implements LuaHost {
  private readonly glue: GlueModule;
  private readonly state: number;
  private readonly stack: LuaStack;
  private readonly api: LuaApi;
  /** `"__ordo_run"` and `"v"` in WASM memory, so calls marshal no key string. */
  private readonly runName: number;
  private readonly boxKey: number;
  /** `box.p(...)` packs strings into an array; `box.q(...)` also turns nils into false. */
  private readonly packKey: number;
  private readonly packNilKey: number;
  /** The bridge's reply box (a Lua table) as seen by the probe; 0 = fast bridge off. */
  private box = 0;
  private readonly defined = new Set<string>();
  /** Bytes JS owes Lua's stdin (latin1), and how far Lua has read them. */
  private pending = "";
  private pendingAt = 0;
  /** The job for a `J` request (built only when the string protocol needs it). */
  private job: () => Reply = NO_JOB;
  private result: Reply = null;
  private callbacks: LuaCallbacks | undefined;
  private sha = "";

  constructor() {
    this.glue = this.instantiate();
    const g = this.glue;
    this.api = {
      gettop: g._lua_gettop,
      settop: g._lua_settop,
      getfield: g._lua_getfield,
      setfield: g._lua_setfield,
      call: g._lua_call,
      pcall: g._lua_pcall,
    };
    this.runName = this.cString("__ordo_run");
    this.boxKey = this.cString("v");
    this.packKey = this.cString("p");
    this.packNilKey = this.cString("q");
    this.state = this.glue._luaL_newstate();
    this.stack = new LuaStack(this.glue, this.state);
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

  private instantiate(): GlueModule {
    return instantiateGlue(
      (ptr) => this.onRequest(ptr),
      (iov, iovcnt, pnum) => this.onRead(iov, iovcnt, pnum),
    );
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
    const heap = this.stack.heap();
    const op = String.fromCharCode(heap[ptr] ?? 0);
    const args: string[] = [];
    let pos = ptr + 1;
    while (heap[pos] !== 0) {
      const [n, start] = lengthAt(heap, pos);
      args.push(heap.toString("latin1", start, start + n));
      pos = start + n;
    }
    return [op, args];
  }

  /** Lua called `os.execute(request, ...)`: act, stage the answer, return its code/length. */
  private onRequest(ptr: number): number {
    this.stack.refresh();
    const op = this.stack.heap()[ptr];
    if (op === 99 /* c */) return this.fastCall();
    if (op === 112 /* p */) return this.probe();
    if (op === 100 /* d */) return this.fastResult();
    const [name, args] = this.readRequest(ptr);
    let answer: Reply;
    switch (name) {
      case "J":
        answer = this.job();
        break;
      case "C":
        answer = this.callbacks
          ? this.callbacks.call(args[0] ?? "", args.slice(1))
          : new ErrorReply("ERR no script");
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
    this.stage(answer);
    return this.pending.length;
  }

  private stage(answer: Reply): void {
    const out: string[] = [];
    encodeAnswer(answer, out);
    this.pending = out.join("");
    this.pendingAt = 0;
  }

  /**
   * The layout check behind the fast bridge: the prelude calls
   * `os.execute('p', box, 'a\0b', 1.5, true)`; when what we read off the stack agrees with the
   * C API, remember the box and answer 1 with `box.v = 'ok'` (the prelude checks both).
   */
  private probe(): number {
    const { glue, state: L, stack } = this;
    const expected = [T_STRING, T_TABLE, T_STRING, T_NUMBER, T_BOOLEAN];
    if (stack.frameSize() !== 5 || glue._lua_gettop(L) !== 5) return 0;
    for (let i = 1; i <= 5; i++) {
      if (
        stack.typeAt(stack.slot(i)) !== expected[i - 1] ||
        glue._lua_type(L, i) !== expected[i - 1]
      )
        return 0;
    }
    const ok =
      stack.stringAt(stack.slot(3)) === "a\u0000b" &&
      stack.numberAt(stack.slot(4)) === 1.5 &&
      stack.wordAt(stack.slot(5)) === 1;
    if (!ok) return 0;
    this.box = stack.wordAt(stack.slot(2));
    return this.setBox("ok") ? 1 : 0;
  }

  /** `box.v = text` on the running frame (arg 2 is the box); false if `text` holds a NUL. */
  private setBox(text: string): boolean {
    if (!this.stack.pushString(text)) return false;
    this.api.setfield(this.state, 2, this.boxKey);
    this.stack.refresh();
    return true;
  }

  /** A script's flattened result (prelude `flat`) off the stack; 1 = taken, 0 = send it again
   *  over the string protocol. */
  private fastResult(): number {
    const stack = this.stack;
    const boxSlot = stack.slot(2);
    if (
      stack.frameSize() < 3 ||
      stack.typeAt(boxSlot) !== T_TABLE ||
      stack.wordAt(boxSlot) !== this.box
    )
      return 0;
    let slot = stack.slot(3);
    const next = (): Reply => {
      const at = slot;
      slot += 16;
      const type = stack.typeAt(at);
      if (type === T_STRING) return stack.stringAt(at);
      if (type === T_NUMBER) return stack.numberAt(at);
      if (type !== T_BOOLEAN || stack.wordAt(at) === 0) return null;
      const marker = slot;
      slot += 16;
      if (stack.typeAt(marker) === T_NUMBER) {
        const items = new Array<Reply>(stack.numberAt(marker));
        for (let i = 0; i < items.length; i++) items[i] = next();
        return items;
      }
      const text = stack.stringAt(slot);
      slot += 16;
      return stack.stringAt(marker) === "+" ? new StatusReply(text) : new ErrorReply(text);
    };
    this.result = next();
    return 1;
  }

  /** `redis.call` over the fast bridge: arguments from the stack, a coded answer. */
  private fastCall(): number {
    const stack = this.stack;
    const n = stack.frameSize();
    const boxSlot = stack.slot(2);
    // Only our own frame qualifies: inside a coroutine the main state's base is elsewhere.
    if (n < 2 || stack.typeAt(boxSlot) !== T_TABLE || stack.wordAt(boxSlot) !== this.box) {
      return FAST_FALLBACK;
    }
    if (n === 2) {
      return this.fastAnswer(
        new ErrorReply("ERR Please specify at least one argument for this redis lib call"),
      );
    }
    let name = "";
    const args = new Array<string>(n - 3);
    for (let i = 3, slot = stack.slot(3); i <= n; i++, slot += 16) {
      const type = stack.typeAt(slot);
      let text: string | undefined;
      if (type === T_STRING) text = stack.stringAt(slot);
      else if (type === T_NUMBER) {
        text = formatArgNumber(stack.numberAt(slot));
        if (text === undefined) return FAST_FALLBACK;
      } else {
        return this.fastAnswer(
          new ErrorReply("ERR Lua redis lib command arguments must be strings or integers"),
        );
      }
      if (i === 3) name = text;
      else args[i - 4] = text;
    }
    const reply = this.callbacks
      ? this.callbacks.call(name, args)
      : new ErrorReply("ERR no script");
    return this.fastAnswer(reply);
  }

  private fastAnswer(reply: Reply): number {
    if (typeof reply === "number") {
      const n = Math.trunc(reply);
      if (n > -FAST_INT_LIMIT && n < FAST_INT_LIMIT) return n * 2;
    } else if (reply === null) return FAST_NIL;
    else if (typeof reply === "string") {
      if (this.setBox(reply)) return FAST_BULK;
    } else if (reply instanceof ErrorReply) {
      if (this.setBox(reply.message)) return FAST_ERROR;
    } else if (reply instanceof StatusReply) {
      if (this.setBox(reply.status)) return FAST_STATUS;
    } else if (Array.isArray(reply) && reply.length <= PACK_LIMIT) {
      if (this.packArray(reply)) return FAST_BULK;
    }
    this.stage(reply);
    return FAST_STAGED + 2 * this.pending.length;
  }

  /**
   * `box.v = {...}` for a flat array of bulk strings and nils, built by calling the prelude's
   * packer with the items pushed as arguments. False (stack untouched) for anything else.
   */
  private packArray(items: readonly Reply[]): boolean {
    const { api, state: L, stack } = this;
    let nils = false;
    for (const item of items) {
      if (item === null) nils = true;
      else if (typeof item !== "string") return false;
    }
    if (stack.room() <= items.length + 2) return false;
    const top = api.gettop(L);
    api.getfield(L, 2, nils ? this.packNilKey : this.packKey);
    for (const item of items) {
      if (item === null) api.settop(L, api.gettop(L) + 1);
      else if (!stack.pushString(item as string)) {
        api.settop(L, top);
        stack.refresh();
        return false;
      }
    }
    api.call(L, items.length, 1);
    api.setfield(L, 2, this.boxKey);
    stack.refresh();
    return true;
  }

  private errorResult(message: string, where: string): ErrorReply {
    if (where === "" || this.sha === "") return new ErrorReply(message);
    return new ErrorReply(`${message} script: ${this.sha}, on ${where}.`);
  }

  /** Lua's stdin wants bytes: copy what is staged into the iovecs. */
  private onRead(iov: number, iovcnt: number, pnum: number): number {
    this.stack.refresh();
    const words = this.glue.HEAP32;
    const heap = this.stack.heap();
    let total = 0;
    for (let i = 0; i < iovcnt && this.pendingAt < this.pending.length; i++) {
      const ptr = words[(iov >> 2) + i * 2] ?? 0;
      const len = words[(iov >> 2) + i * 2 + 1] ?? 0;
      const take = Math.min(len, this.pending.length - this.pendingAt);
      heap.write(this.pending.slice(this.pendingAt, this.pendingAt + take), ptr, take, "latin1");
      this.pendingAt += take;
      total += take;
    }
    words[pnum >> 2] = total;
    return 0;
  }

  /**
   * Calls `__ordo_run`. With `args` (strings) they are pushed as its arguments when they fit
   * the stack and hold no NUL; otherwise the prelude fetches `job` over the string protocol.
   */
  private invoke(job: () => Reply, callbacks?: LuaCallbacks, args?: readonly string[]): Reply {
    const { api, state: L } = this;
    this.job = job;
    this.callbacks = callbacks;
    this.result = null;
    api.getfield(L, LUA_GLOBALSINDEX, this.runName);
    this.stack.refresh();
    let pushed = 0;
    if (
      args &&
      args.length <= MAX_STACK_ARGS &&
      this.box !== 0 &&
      this.stack.room() > args.length + 2
    ) {
      for (const arg of args) {
        if (!this.stack.pushString(arg)) break;
        pushed++;
      }
      if (pushed < args.length) {
        api.settop(L, -pushed - 1);
        pushed = 0;
      }
    }
    const status = api.pcall(L, pushed, 0, 0);
    api.settop(L, 0);
    this.callbacks = undefined;
    this.job = NO_JOB;
    if (status !== 0) return new ErrorReply("ERR embedded Lua host failure");
    return this.result;
  }

  /**
   * Whether `redis.call` uses the fast bridge (arguments read off the Lua stack, scalar replies
   * in place). False only if this WASM build's struct layout differs from what lua-stack.ts
   * expects; scripts then still run, over the string protocol.
   * @example new WasmLuaHost().fastBridge; // true
   */
  get fastBridge(): boolean {
    return this.box !== 0;
  }

  define(sha: string, source: string): string | undefined {
    this.sha = "";
    const result = this.invoke(() => ["L", sha, source]);
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
    const job = (): Reply => ["X", sha, keys.length, ...keys, ...argv];
    return this.invoke(job, callbacks, [sha, String(keys.length), ...keys, ...argv]);
  }

  flush(): void {
    this.defined.clear();
  }

  close(): void {
    this.glue._lua_close(this.state);
  }
}
