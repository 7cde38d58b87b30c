/**
 * The streams and working directory a command talks to. Injected so tests run commands in-process
 * and read what they printed; `bin.ts` passes the real process streams.
 */

/** Anything with a `write(text)` method: `process.stdout`, or a string collector in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/** What {@link main} and every command receive instead of touching `process` directly. */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Directory relative paths are resolved against. Default: `process.cwd()`. */
  readonly cwd: string;
}

/**
 * The real process streams and working directory.
 *
 * @example
 * ```ts
 * import { main, processIO } from "@ordo/cli";
 * process.exitCode = await main(["validate", "pipeline.dag.json"], processIO());
 * ```
 */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

/**
 * An IO that collects output in memory (for tests and programmatic use).
 *
 * @example
 * ```ts
 * import { main, memoryIO } from "@ordo/cli";
 * const io = memoryIO();
 * const code = await main(["--version"], io);
 * console.log(code, io.out());
 * ```
 */
export function memoryIO(cwd: string = process.cwd()): CliIO & {
  out(): string;
  err(): string;
} {
  let out = "";
  let err = "";
  return {
    cwd,
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  };
}
