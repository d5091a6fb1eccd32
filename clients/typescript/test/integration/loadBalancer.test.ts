// The TypeScript client through a real nginx in front of the two Redis nodes of the integration run: round robin
// without affinity (WebSockets, negotiation skipped), and nginx terminating TLS with a CA made by the test.
import { createRequire } from "node:module";
import { HttpTransportType, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { ChannelEvent, GapInfo, PresenceMember } from "../../src/index.js";
import { createTestCertificates, type TestCertificates } from "./support/certificates.js";
import { abortConnection, connect, disconnectAll, publishMany, Recorder, uniqueName, within, type Protocol } from "./support/harness.js";
import { startNginx, type RunningNginx } from "./support/nginx.js";

const { redisA, redisB } = inject("servers");
const ada = { id: "ada", name: "Ada" };
const bob = { id: "bob", name: "Bob" };

let nginx: RunningNginx;
let tlsNginx: RunningNginx;
let certificates: TestCertificates;
/** Node name (the test server's pid unless named) → its direct URL, to act on the node a client reached. */
const nodeUrls = new Map<string, string>();

beforeAll(async () => {
  certificates = createTestCertificates();
  nginx = await startNginx({ upstreams: [redisA, redisB] });
  tlsNginx = await startNginx({ upstreams: [redisA, redisB], tls: certificates });
  for (const url of [redisA, redisB]) {
    nodeUrls.set(await (await fetch(`${url}/node`)).text(), url);
  }
});

afterAll(async () => {
  await Promise.all([nginx?.stop(), tlsNginx?.stop()]);
  certificates?.dispose();
});

afterEach(disconnectAll);

interface TickEvents {
  tick: { i: number };
}

describe.each<Protocol>(["json", "messagepack"])("behind nginx, round robin without affinity, over %s", (protocol) => {
  it("spreads clients over both nodes and delivers a publish to each", async () => {
    const name = uniqueName("news");
    const { client: first } = await connect(nginx.url, { protocol, start: false });
    const { client: second } = await connect(nginx.url, { protocol, start: false });
    const sawFirst = new Recorder<unknown>();
    const sawSecond = new Recorder<unknown>();
    first.channel(name).listen("headline", sawFirst.add);
    second.channel(name).listen("headline", sawSecond.add);
    await first.start();
    await second.start();
    expect(await first.invoke<string>("Node")).not.toBe(await second.invoke<string>("Node"));

    await first.invoke("Publish", name, "headline", { title: "hello" });

    expect(await sawFirst.count(1)).toEqual([{ title: "hello" }]);
    expect(await sawSecond.count(1)).toEqual([{ title: "hello" }]);
  });

  it("shares presence and carries whispers between clients on different nodes", async () => {
    const room = uniqueName("room");
    const { client: adaClient } = await connect(nginx.url, { protocol, user: ada, start: false });
    const joining = new Recorder<PresenceMember>();
    const heard = new Recorder<{ data: unknown; from: string | undefined }>();
    adaClient
      .join<object, unknown, { typing: { name: string } }>(room)
      .joining(joining.add)
      .listenForWhisper("typing", (data, from) => heard.add({ data, from }));
    await adaClient.start();
    const { client: bobClient } = await connect(nginx.url, { protocol, user: bob, start: false });
    const here = new Recorder<readonly PresenceMember[]>();
    const bobRoom = bobClient.join<object, unknown, { typing: { name: string } }>(room).here(here.add);
    await bobClient.start();
    expect(await adaClient.invoke<string>("Node")).not.toBe(await bobClient.invoke<string>("Node"));

    const [members] = await here.count(1);
    expect([...members!].map((m) => m.id).sort()).toEqual(["ada", "bob"]);
    expect(await joining.count(1)).toEqual([{ id: "bob", info: { name: "Bob" } }]);
    await bobRoom.whisper("typing", { name: "Bob" });
    expect(await heard.count(1)).toEqual([{ data: { name: "Bob" }, from: "bob" }]);
  });

  it("recovers every missed event when the reconnect lands on the other node", async () => {
    const name = uniqueName("history");
    // The first retry waits long enough for the events to be published while the client is away.
    const { client } = await connect(nginx.url, { protocol, start: false, reconnect: { delaysMs: [1_000, 100], jitter: 0 } });
    const received = new Recorder<ChannelEvent>();
    const gaps = new Recorder<GapInfo>();
    client.channel<TickEvents>(name).listen("tick", (_, e) => received.add(e)).onGap(gaps.add);
    await client.start();
    const before = await client.invoke<string>("Node");
    await publishMany(redisA, name, "tick", 5);
    await received.count(5);

    await abortConnection(nodeUrls.get(before)!, client.socketId()!);
    await publishMany(redisB, name, "tick", 20, 6);

    const events = await received.count(25);
    expect(events.map((e) => e.offset)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect(gaps.items).toEqual([]);
    expect(await client.invoke<string>("Node")).not.toBe(before);
  });
});

describe("behind nginx terminating TLS", () => {
  type WsConstructor = new (url: string, protocols?: string | string[], options?: Record<string, unknown>) => {
    once(event: "error", listener: (error: Error & { code?: string }) => void): void;
  };
  /** The WebSocket SignalR's client uses in Node (the `ws` package). */
  const Ws = createRequire(import.meta.url)("ws") as WsConstructor;

  /** SignalR's Node WebSocket with the test CA as its only trusted root (certificates are still checked in full). */
  function trustingWebSocket(ca: string): unknown {
    return class extends Ws {
      constructor(url: string, protocols?: string | string[], options?: Record<string, unknown>) {
        super(url, protocols, { ...options, ca });
      }
    };
  }

  function tlsConnection(trust: boolean) {
    return new HubConnectionBuilder()
      .withUrl(`${tlsNginx.url}/hubs/test`, {
        transport: HttpTransportType.WebSockets,
        skipNegotiation: true,
        ...(trust && { WebSocket: trustingWebSocket(certificates.authority) }),
      })
      .withAutomaticReconnect([0, 100, 250])
      .configureLogging(LogLevel.None)
      .build();
  }

  it("connects over wss when the test CA is trusted and round-trips an event", async () => {
    const name = uniqueName("news");
    const { client } = await connect(tlsNginx.url, { start: false, connection: tlsConnection(true) });
    const saw = new Recorder<unknown>();
    client.channel(name).listen("headline", saw.add);
    await client.start();

    await client.invoke("Publish", name, "headline", { secure: true });

    expect(await saw.count(1)).toEqual([{ secure: true }]);
  });

  it("refuses the certificate when the test CA is not trusted", async () => {
    const { client } = await connect(tlsNginx.url, { start: false, connection: tlsConnection(false), reconnect: false });

    await expect(client.start()).rejects.toThrow();
    expect(client.state).toBe("disconnected");
    // What SignalR reports as a failed WebSocket is, underneath, the certificate check.
    const socket = new Ws(`${tlsNginx.url.replace("https:", "wss:")}/hubs/test`);
    const error = await within(new Promise<Error & { code?: string }>((resolve) => socket.once("error", resolve)), "the TLS error");
    expect(error.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });
});
