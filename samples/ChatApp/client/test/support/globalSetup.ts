import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureChatAppBuilt, startChatApp, type RunningApp } from "./chatApp.js";
import { howToStartRedis, newRedisPrefix, RedisClient, redisFromEnvironment } from "./redis.js";
import type { TopologyAddress, TopologyName } from "./topologies.js";

/** The display name the apps of this run list in Monitoring:Admins. */
export const dashboardAdmin = "Dashboard Admin";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the in-memory ChatApp. */
    chatApp: string;
    /** Each topology's instances, or why it did not start. */
    chatTopologies: Record<TopologyName, TopologyAddress>;
  }
}

/**
 * For the whole run: one in-memory ChatApp, and two ChatApps on one Redis (REDIS_URL) with a key prefix of their
 * own. Tests keep apart by unique user names and texts. All three share cookie keys through a temp folder of this
 * run (the app keeps them in $TMPDIR/signalrchannels-chatapp-keys), so a browser signed in on one instance is
 * signed in on the other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureChatAppBuilt();
  const tempDir = mkdtempSync(join(tmpdir(), "chatapp-browser-"));
  // One admin of the channels API and the dashboard (Monitoring:Admins), on every instance.
  const env = { TMPDIR: tempDir, Monitoring__Admins__0: dashboardAdmin };
  const apps: RunningApp[] = [];
  const redis = redisFromEnvironment();
  const prefix = newRedisPrefix();

  const stopAll = async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    if (redis !== undefined) {
      const client = await RedisClient.connect(redis).catch(() => undefined);
      await client?.deleteByPrefix(`${prefix}:`).catch(() => 0);
      client?.close();
    }
    rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    // The first instance creates the cookie key; the Redis pair starts after it and reads the same key.
    const redisCheck = checkRedis();
    const memory = await startChatApp({ env });
    apps.push(memory);
    let redisTopology: TopologyAddress;
    const problem = await redisCheck;
    if (problem !== undefined) {
      redisTopology = { error: problem };
    } else {
      const redisEnv = { ...env, ConnectionStrings__Redis: redis!.configuration, Channels__RedisPrefix: prefix };
      const pair = await Promise.all([startChatApp({ env: redisEnv }), startChatApp({ env: redisEnv })]);
      apps.push(...pair);
      redisTopology = { urls: pair.map((app) => app.url) };
    }
    project.provide("chatApp", memory.url);
    project.provide("chatTopologies", { memory: { urls: [memory.url] }, redis: redisTopology });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;

  async function checkRedis(): Promise<string | undefined> {
    if (redis === undefined) {
      return `REDIS_URL is not set. ${howToStartRedis}`;
    }
    try {
      const client = await RedisClient.connect(redis);
      try {
        await client.command("PING");
      } finally {
        client.close();
      }
      return undefined;
    } catch (error) {
      return `${(error as Error).message}. ${howToStartRedis}`;
    }
  }
}
