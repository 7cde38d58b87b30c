/**
 * The DurableStore contract on a real MongoDB: `MONGO_URL` if set, else a `mongo:8` single-node
 * replica set started with testcontainers when a Docker daemon answers, else skipped loudly.
 * Every store gets a random database name; all of them are dropped at the end.
 */
import { randomUUID } from "node:crypto";
import { MongoClient } from "mongodb";
import {
  GenericContainer,
  getContainerRuntimeClient,
  type StartedTestContainer,
  Wait,
} from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMongoStore } from "../../packages/runtime/src/durable/index.js";
import { describeDurableStoreContract } from "./contract.js";
import { binaryWithNuls } from "./fixtures.js";

async function dockerAnswers(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

const fromEnv = process.env.MONGO_URL;
const useDocker = !fromEnv && (await dockerAnswers());
const available = Boolean(fromEnv) || useDocker;

let url = fromEnv ?? "";
let container: StartedTestContainer | undefined;
const databases: string[] = [];

/** Start mongo:8 as a one-member replica set (transactions and change streams work). */
async function startMongo(): Promise<string> {
  container = await new GenericContainer("mongo:8")
    .withCommand(["--replSet", "rs0", "--bind_ip_all"])
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .start();
  const direct = `mongodb://${container.getHost()}:${container.getMappedPort(27017)}/?directConnection=true`;
  const client = await MongoClient.connect(direct);
  try {
    await client.db("admin").command({
      replSetInitiate: { _id: "rs0", members: [{ _id: 0, host: "localhost:27017" }] },
    });
    for (let i = 0; i < 100; i += 1) {
      const hello = await client.db("admin").command({ hello: 1 });
      if (hello.isWritablePrimary) return direct;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("mongo:8 did not become primary within 10 s");
  } finally {
    await client.close();
  }
}

function randomDbName(): string {
  const name = `ordo_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  databases.push(name);
  return name;
}

describe("openMongoStore without a server", () => {
  it("fails fast with a retryable CONNECTION error when no server answers", async () => {
    const error = await openMongoStore({
      url: "mongodb://127.0.0.1:1/?directConnection=true",
      dbName: "x",
      serverSelectionTimeoutMS: 200,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONNECTION", retryable: true });
  });
});

if (available) {
  beforeAll(async () => {
    if (useDocker) url = await startMongo();
  }, 120_000);

  afterAll(async () => {
    if (url) {
      const client = await MongoClient.connect(url);
      await Promise.all(databases.map((name) => client.db(name).dropDatabase()));
      await client.close();
    }
    await container?.stop();
  }, 60_000);

  describeDurableStoreContract("mongo", (options) =>
    openMongoStore({ ...options, url, dbName: randomDbName() }),
  );

  describe("mongo store specifics", () => {
    it("creates the unique (executionId, seq) index and TTL indexes", async () => {
      const dbName = randomDbName();
      const store = await openMongoStore({ url, dbName });
      const client = await MongoClient.connect(url);
      const ledger = await client.db(dbName).collection("ordo_ledger").indexes();
      expect(ledger.find((i) => i.name === "ux_execution_seq")).toMatchObject({
        unique: true,
        key: { executionId: 1, seq: 1 },
      });
      for (const name of [
        "ordo_ledger",
        "ordo_payloads",
        "ordo_payload_chunks",
        "ordo_snapshots",
      ]) {
        const indexes = await client.db(dbName).collection(name).indexes();
        expect(indexes.find((i) => i.name === "ttl_expires_at")?.expireAfterSeconds).toBe(0);
      }
      await client.close();
      await store.close();
    });

    it("splits a payload into ordered chunk documents and reassembles it", async () => {
      const dbName = randomDbName();
      const store = await openMongoStore({ url, dbName, payloadChunkBytes: 1024 * 1024 });
      const bytes = binaryWithNuls(3 * 1024 * 1024 + 7);
      const { ref } = await store.putPayload(bytes, { contentType: "application/octet-stream" });
      const client = await MongoClient.connect(url);
      const chunks = await client
        .db(dbName)
        .collection("ordo_payload_chunks")
        .countDocuments({ ref });
      expect(chunks).toBe(4);
      // A missing chunk makes the payload unreadable rather than silently truncated.
      expect(Buffer.compare(Buffer.from((await store.getPayload(ref))!.bytes), bytes)).toBe(0);
      await client.db(dbName).collection("ordo_payload_chunks").deleteOne({ ref, n: 2 });
      expect(await store.getPayload(ref)).toBeNull();
      await client.close();
      await store.close();
    });
  });
} else {
  console.warn(
    "MongoDB contract suite SKIPPED: set MONGO_URL (a replica set, e.g. mongodb://localhost:27017/?replicaSet=rs0) or start a Docker daemon for testcontainers mongo:8.",
  );
  describe.skip("DurableStore contract: mongo (SKIPPED: no MONGO_URL and no Docker daemon)", () => {
    it("runs the full DurableStore contract suite against MongoDB", () => {});
  });
}
