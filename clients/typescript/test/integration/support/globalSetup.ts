// Starts the nodes every integration test talks to: one in-memory node and two Redis nodes that share a prefix
// (one cluster, fresh per run). Their URLs reach the tests through `inject("servers")`.
import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";
import { ensureTestServerBuilt, startTestServers, type RunningServer } from "./testServer.js";

export interface ServerUrls {
  /** A single node with the in-memory stores. */
  readonly memory: string;
  /** Two nodes of one Redis cluster. */
  readonly redisA: string;
  readonly redisB: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    servers: ServerUrls;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureTestServerBuilt();
  const redis = process.env.REDIS_URL ?? "127.0.0.1:6379";
  const prefix = `ts-it-${randomUUID().slice(0, 8)}`;
  const { servers, stopAll } = await startTestServers([
    { name: "memory" },
    { name: "redis-a", redis, prefix },
    { name: "redis-b", redis, prefix },
  ]);
  const [memory, redisA, redisB] = servers as [RunningServer, RunningServer, RunningServer];
  project.provide("servers", { memory: memory.url, redisA: redisA.url, redisB: redisB.url });
  return stopAll;
}
