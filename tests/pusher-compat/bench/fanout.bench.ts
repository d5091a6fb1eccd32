// Fan-out to Pusher-protocol connections against SignalR connections of the same server, in one run:
//   npm run bench -w tests/pusher-compat   (FANOUT_CONNECTIONS=500 FANOUT_EVENTS=200)
// One in-memory node; each protocol in turn subscribes N raw connections to one channel, the server publishes E
// small events ({i}) one after another, and the time until every connection has every event gives deliveries per second. The clients
// share this one Node process, so the figures compare the two protocols under the same client load; the load tool's
// absolute figures stay the reference.
import { HubConnectionBuilder, HttpTransportType, LogLevel } from "@microsoft/signalr";
import WebSocket from "ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureTestServerBuilt, startPusherNode, type PusherNode } from "../test/support/servers.js";

const connections = Number(process.env.FANOUT_CONNECTIONS ?? 500);
const events = Number(process.env.FANOUT_EVENTS ?? 200);
let node: PusherNode;

beforeAll(async () => {
  ensureTestServerBuilt();
  node = await startPusherNode({ name: "bench" });
}, 120_000);

afterAll(async () => {
  await node?.stop();
});

interface Fleet {
  readonly received: () => number;
  close(): Promise<void>;
}

async function pusherFleet(channel: string): Promise<Fleet> {
  let received = 0;
  const sockets = await Promise.all(
    Array.from({ length: connections }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${node.url.replace("http", "ws")}/app/test-key?protocol=7`);
      ws.on("message", (raw) => {
        const frame = JSON.parse(raw.toString()) as { event: string };
        if (frame.event === "pusher:connection_established") {
          ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel } }));
        } else if (frame.event === "pusher_internal:subscription_succeeded") {
          resolve(ws);
        } else if (frame.event === "tick") {
          received++;
        }
      });
      ws.on("error", reject);
    })),
  );
  return {
    received: () => received,
    close: async () => {
      sockets.forEach((s) => s.close());
    },
  };
}

async function signalRFleet(channel: string): Promise<Fleet> {
  let received = 0;
  const hubs = await Promise.all(
    Array.from({ length: connections }, async () => {
      const hub = new HubConnectionBuilder()
        .withUrl(`${node.url}/hubs/test`, { transport: HttpTransportType.WebSockets, skipNegotiation: true })
        .configureLogging(LogLevel.None)
        .build();
      hub.on("ChannelEvent", (e: { event: string }) => {
        if (e.event === "tick") {
          received++;
        }
      });
      await hub.start();
      await hub.invoke("Subscribe", channel, null);
      return hub;
    }),
  );
  return {
    received: () => received,
    close: async () => {
      await Promise.all(hubs.map((h) => h.stop()));
    },
  };
}

async function measure(fleet: Fleet, channel: string): Promise<number> {
  const expected = connections * events;
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (fleet.received() >= expected) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const response = await fetch(`${node.url}/publish-many/${channel}/tick/${events}`, { method: "POST" });
  expect(response.ok).toBe(true);
  await done;
  return expected / ((performance.now() - started) / 1000);
}

it(`fans out ${events} events to ${connections} connections of each protocol`, async () => {
  const results: Record<string, number> = {};
  for (const [name, make] of [["signalr", signalRFleet], ["pusher", pusherFleet], ["signalr (again)", signalRFleet], ["pusher (again)", pusherFleet]] as const) {
    const channel = `bench-${name.replace(/\W/g, "")}-${Date.now()}`;
    const fleet = await make(channel);
    results[name] = await measure(fleet, channel);
    await fleet.close();
  }
  console.log(
    Object.entries(results).map(([name, rate]) => `${name}: ${Math.round(rate)} deliveries/s`).join("\n"),
    `\npusher/signalr: ${(((results.pusher ?? 0) + (results["pusher (again)"] ?? 0)) / ((results.signalr ?? 1) + (results["signalr (again)"] ?? 0))).toFixed(2)}`,
  );
}, 300_000);
