// Starts two test-server nodes on one Redis (REDIS_URL, default 127.0.0.1:6379) that share a fresh prefix, both with
// the dashboard mapped (--dashboard true). The test server is built first when its dll is older than its sources.
import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";
import { ensureTestServerBuilt, startTestServers } from "../../../../typescript/test/integration/support/testServer.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The two nodes of one Redis cluster. */
    dashboardNodes: readonly [string, string];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureTestServerBuilt();
  const redis = process.env.REDIS_URL ?? "127.0.0.1:6379";
  const prefix = `dashboard-${randomUUID().slice(0, 8)}`;
  // Short leases, so a node is listed as soon as it runs.
  const extraArgs = ["--dashboard", "true", "--presence-heartbeat-ms", "500", "--presence-timeout-ms", "3000"];
  const { servers, stopAll } = await startTestServers([
    { name: "dashboard-a", redis, prefix, extraArgs },
    { name: "dashboard-b", redis, prefix, extraArgs },
  ]);
  project.provide("dashboardNodes", [servers[0]!.url, servers[1]!.url]);
  return stopAll;
}
