/**
 * A throwaway Redis Cluster for tests: N `redis-server` masters in cluster mode on free loopback
 * ports (no replicas, no persistence), slots split evenly, joined with CLUSTER MEET, ready once
 * every node reports `cluster_state:ok`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OrdoError } from "@ordo/core";
import { Cluster, type ClusterOptions, Redis } from "ioredis";
import { findBinary, killChild, openedClients, waitForPing } from "./redis-server.js";

/** One cluster node's address. */
export interface ClusterNode {
  readonly host: string;
  readonly port: number;
}

/** A running test cluster. */
export interface RedisClusterHandle {
  readonly nodes: readonly ClusterNode[];
  /** A new ioredis `Cluster` client; closed by `stop()` if you did not. */
  connect(options?: ClusterOptions): Cluster;
  /** Closes clients and kills every node. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisCluster}. */
export interface StartRedisClusterOptions {
  /** Number of masters (at least 1). Default: 3. */
  readonly masters?: number;
  /** How long to wait for `cluster_state:ok`, in ms. Default: 20 000. */
  readonly timeoutMs?: number;
}

const SLOTS = 16_384;
const HOST = "127.0.0.1";

/** A free TCP port on the loopback interface (the OS picks, we release it right away). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function spawnNode(binary: string, dir: string, index: number) {
  const port = await freePort();
  const busPort = await freePort();
  const child = spawn(
    binary,
    [
      ...["--port", String(port), "--bind", HOST, "--cluster-enabled", "yes"],
      ...["--cluster-port", String(busPort), "--cluster-config-file", `nodes-${index}.conf`],
      ...["--save", "", "--appendonly", "no", "--dir", dir],
    ],
    { stdio: "ignore" },
  );
  return { child, node: { host: HOST, port }, busPort };
}

async function clusterOk(client: Redis): Promise<boolean> {
  const info = String(await client.call("CLUSTER", "INFO"));
  return info.includes("cluster_state:ok");
}

/** Splits the slots, MEETs every node with the first, waits until all agree the cluster is ok. */
async function formCluster(
  nodes: readonly ClusterNode[],
  seedBusPort: number,
  timeoutMs: number,
): Promise<void> {
  const clients = nodes.map((node) => new Redis({ ...node, maxRetriesPerRequest: 1 }));
  try {
    const per = Math.ceil(SLOTS / nodes.length);
    for (const [i, client] of clients.entries()) {
      const first = i * per;
      const last = Math.min(SLOTS, (i + 1) * per) - 1;
      await client.call("CLUSTER", "ADDSLOTSRANGE", first, last);
    }
    const [seed] = nodes;
    for (const client of clients.slice(1)) {
      // The bus port is not port + 10000 (both are picked free), so MEET must name it.
      await client.call("CLUSTER", "MEET", seed?.host ?? HOST, seed?.port ?? 0, seedBusPort);
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const states = await Promise.all(clients.map(clusterOk));
      if (states.every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new OrdoError("CONNECTION", `Redis cluster not ok within ${timeoutMs} ms`);
  } finally {
    for (const client of clients) client.disconnect();
  }
}

/**
 * Starts a Redis Cluster of `masters` nodes for a test file.
 * @throws OrdoError `CONNECTION` when `redis-server` is missing or the cluster does not form.
 * @example
 * const cluster = await startRedisCluster({ masters: 3 });
 * const client = cluster.connect();
 * await client.set("{tag}:a", "1");
 * await cluster.stop();
 */
export async function startRedisCluster(
  options: StartRedisClusterOptions = {},
): Promise<RedisClusterHandle> {
  const masters = Math.max(1, options.masters ?? 3);
  const binary = findBinary("redis-server");
  const dir = mkdtempSync(join(tmpdir(), "ordo-cluster-"));
  const children: ChildProcess[] = [];
  const teardown = async () => {
    await Promise.all(children.map(killChild));
    rmSync(dir, { recursive: true, force: true });
  };
  const nodes: ClusterNode[] = [];
  let seedBusPort = 0;
  try {
    for (let i = 0; i < masters; i++) {
      const { child, node, busPort } = await spawnNode(binary, dir, i);
      children.push(child);
      nodes.push(node);
      if (i === 0) seedBusPort = busPort;
    }
    await Promise.all(nodes.map((node) => waitForPing(node)));
    await formCluster(nodes, seedBusPort, options.timeoutMs ?? 20_000);
  } catch (error) {
    await teardown();
    throw error;
  }
  const clients = openedClients<Cluster>(teardown);
  return {
    nodes,
    connect: (clusterOptions) => clients.track(new Cluster(nodes.slice(), clusterOptions)),
    stop: clients.stop,
  };
}
