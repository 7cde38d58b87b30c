/**
 * Loading lua-wasm-bindings' Lua 5.1.5 glue with the host's two libc hooks: `system()` (Lua's
 * `os.execute`) and `fd_read` on fd 0 (Lua's `io.read`). See wasm-lua-host.ts.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const GLUE = "lua-wasm-bindings/dist/glue/glue-lua-5.1.5.js";

/** The slice of the WebAssembly API we use (the project's `lib` has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Imports) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Imports = Record<string, Record<string, (...args: number[]) => number>>;

export interface GlueModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPF64: Float64Array;
  _lua_gettop(L: number): number;
  _lua_type(L: number, idx: number): number;
  _lua_pushstring(L: number, s: number): void;
  _lua_setfield(L: number, idx: number, name: number): void;
  _lua_call(L: number, nargs: number, nresults: number): void;
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

/**
 * Instantiates the WASM with our `system`/`fd_read` imports and without the glue's process-wide
 * `uncaughtException`/`unhandledRejection` listeners.
 */
export function instantiateGlue(
  onRequest: (ptr: number) => number,
  onRead: (iov: number, iovcnt: number, pnum: number) => number,
): GlueModule {
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
      env.s = (ptr: number) => onRequest(ptr);
      env.k = (fd: number, iov: number, iovcnt: number, pnum: number) =>
        fd === 0 ? onRead(iov, iovcnt, pnum) : (fdRead?.(fd, iov, iovcnt, pnum) ?? 8);
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
