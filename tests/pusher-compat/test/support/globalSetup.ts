// Starts the nodes the suites share: one in-memory node, one with a 1 s activity and pong timeout, and two nodes of
// one Redis cluster (fresh prefix per run; presence leases of 3 s so a crashed node's members expire quickly).
import { randomUUID } from "node:crypto";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { ensureTestServerBuilt, startPusherNode, type PusherNode } from "./servers.js";

export interface Nodes {
  readonly memory: string;
  readonly fast: string;
  readonly redisA: string;
  readonly redisB: string;
  readonly redis: string;
  readonly prefix: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    nodes: Nodes;
  }
}

export const presenceArgs = ["--presence-heartbeat-ms", "500", "--presence-timeout-ms", "3000"] as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureTestServerBuilt();
  const redis = process.env.REDIS_URL ?? "127.0.0.1:6379";
  const prefix = `pusher-it-${randomUUID().slice(0, 8)}`;
  const started = await Promise.allSettled([
    startPusherNode({ name: "memory" }),
    startPusherNode({ name: "fast", extraArgs: ["--pusher-activity-timeout-ms", "1000", "--pusher-pong-timeout-ms", "1000"] }),
    startPusherNode({ name: "redis-a", redis, prefix, extraArgs: presenceArgs }),
    startPusherNode({ name: "redis-b", redis, prefix, extraArgs: presenceArgs }),
  ]);
  const nodes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stopAll = async () => {
    await Promise.all(nodes.map((n: PusherNode) => n.stop()));
  };
  const failure = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure !== undefined) {
    await stopAll();
    throw failure.reason;
  }
  const [memory, fast, redisA, redisB] = nodes as [PusherNode, PusherNode, PusherNode, PusherNode];
  project.provide("nodes", { memory: memory.url, fast: fast.url, redisA: redisA.url, redisB: redisB.url, redis, prefix });
  return stopAll;
}
