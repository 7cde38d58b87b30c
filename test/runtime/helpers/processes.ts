/**
 * Spawning worker processes (`worker-entry.ts`) for multi-process and chaos tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("./worker-entry.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** A spawned worker process. */
export interface WorkerProcess {
  readonly id: string;
  readonly child: ChildProcess;
}

/** Spawns a worker process and resolves once it printed "ready". */
export async function spawnWorker(
  connectionArg: string,
  prefix: string,
  id: string,
  concurrency: number,
  leaseMs: number,
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@ordo/source",
      "--import",
      "tsx",
      entry,
      connectionArg,
      prefix,
      id,
      String(concurrency),
      String(leaseMs),
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker ${id} exited early (${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve();
    });
  });
  child.removeAllListeners("exit");
  return { id, child };
}

/** Kills a worker with SIGKILL and waits for it to be gone. */
export async function killWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const gone = new Promise((r) => worker.child.once("exit", r));
  worker.child.kill("SIGKILL");
  await gone;
}

/** Asks a worker to shut down gracefully (SIGTERM) and waits. */
export async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const gone = new Promise((r) => worker.child.once("exit", r));
  worker.child.kill("SIGTERM");
  await gone;
}
