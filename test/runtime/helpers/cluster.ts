/**
 * A throwaway 3-master Redis Cluster (no replicas) for the cluster test. Switch to
 * `@ordo/testing`'s `startRedisCluster()` when it lands.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster } from "ioredis";
import { freePort } from "./redis.js";

const run = promisify(execFile);

/** A running cluster. */
export interface TestCluster {
  readonly nodes: { host: string; port: number }[];
  connect(): Cluster;
  stop(): Promise<void>;
}

/** Starts 3 cluster-enabled redis-servers and joins them with `redis-cli --cluster create`. */
export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "ordo-cluster-"));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    ports.push(port);
    children.push(
      spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          join(dir, `nodes-${port}.conf`),
          "--save",
          "",
          "--appendonly",
          "no",
          "--bind",
          "127.0.0.1",
          "--dir",
          dir,
        ],
        { stdio: "ignore" },
      ),
    );
  }
  for (const port of ports) {
    for (let i = 0; i < 100; i++) {
      try {
        await run("redis-cli", ["-p", String(port), "ping"]);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  await run("redis-cli", [
    "--cluster",
    "create",
    ...ports.map((p) => `127.0.0.1:${p}`),
    "--cluster-replicas",
    "0",
    "--cluster-yes",
  ]);
  for (let i = 0; i < 100; i++) {
    const { stdout } = await run("redis-cli", ["-p", String(ports[0]), "cluster", "info"]);
    if (stdout.includes("cluster_state:ok")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const nodes = ports.map((port) => ({ host: "127.0.0.1", port }));
  return {
    nodes,
    connect: () => new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } }),
    async stop() {
      for (const child of children) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
