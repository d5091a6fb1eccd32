// Webhooks of the Pusher endpoint checked by the official pusher server SDK (pusher.webhook(): signature, key, events),
// per app: each app's URL gets its own channels only, under its Pusher names, signed with its own key and secret.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Recorder, app, connectEcho, connectPusher, disconnectAll, secondApp, serverSdk } from "./support/clients.js";
import { startPusherNode, type PusherNode } from "./support/servers.js";

const unique = (base: string) => `${base}.${randomUUID().slice(0, 8)}`;

/** An event as Pusher's webhook format has it: name, channel and the event's own fields (plus our id). */
type HookEvent = { readonly name: string; readonly channel: string } & Readonly<Record<string, string>>;

interface Received {
  readonly key: string;
  readonly valid: boolean;
  readonly events: HookEvent[];
}

const received = new Recorder<Received>();
let receiver: Server;
let node: PusherNode;

/** Every event the SDK validated, with the key of the app it came for. */
function eventsOf(all: readonly Received[]): Array<HookEvent & { key: string }> {
  return all.filter((r) => r.valid).flatMap((r) => r.events.map((e) => ({ ...e, key: r.key })));
}

async function waitFor(predicate: (events: ReturnType<typeof eventsOf>) => boolean, what: string): Promise<ReturnType<typeof eventsOf>> {
  return eventsOf(await received.until((items) => predicate(eventsOf(items)), what));
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const headers = request.headers as IncomingHttpHeaders & Record<string, string>;
      const key = headers["x-pusher-key"] ?? "";
      const credentials = key === secondApp.key ? secondApp : app;
      const webhook = serverSdk("http://127.0.0.1:1", credentials).webhook({ headers, rawBody });
      const valid = webhook.isValid();
      received.add({ key, valid, events: valid ? (webhook.getEvents() as unknown as HookEvent[]) : [] });
      response.statusCode = valid ? 200 : 401;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  node = await startPusherNode({ name: "webhooks", extraArgs: ["--pusher-webhook-url", `http://127.0.0.1:${port}/hooks`] });
});

afterAll(async () => {
  await node?.stop();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

afterEach(() => disconnectAll());

describe("Pusher webhooks", () => {
  it("reach each app signed with its own secret, with its own channel names, and the SDK validates them", async () => {
    const news = unique("news");
    const other = unique("other");
    const first = await connectPusher(node.url);
    const second = await connectPusher(node.url, { key: secondApp.key });
    const subscribed = new Recorder<unknown>();
    first.subscribe(news).bind("pusher:subscription_succeeded", subscribed.add);
    second.subscribe(other).bind("pusher:subscription_succeeded", subscribed.add);
    await subscribed.count(2);

    const events = await waitFor((all) => all.some((e) => e.channel === news) && all.some((e) => e.channel === other), "both apps' occupied");
    expect(events.filter((e) => e.channel === news || e.channel === other).map(({ id: _id, ...e }) => e)).toEqual(
      expect.arrayContaining([
        { name: "channel_occupied", channel: news, key: app.key },
        { name: "channel_occupied", channel: other, key: secondApp.key },
      ]),
    );
    // App 2's channel is not reported to app 1 (under any name), nor app 1's to app 2.
    expect(events.filter((e) => e.channel.includes(other)).map((e) => e.key)).toEqual([secondApp.key]);
    expect(events.filter((e) => e.channel.includes(news)).map((e) => e.key)).toEqual([app.key]);
    expect(received.items.every((r) => r.valid)).toBe(true);
  });

  it("report presence members per user and client events with their socket id", async () => {
    const room = unique("room");
    const alice = await connectEcho(node.url, { user: { id: "alice", name: "Alice" } });
    const here = new Recorder<unknown[]>();
    const channel = alice.join(room).here(here.add);
    await here.count(1);
    channel.whisper("typing", { on: true });
    const socketId = alice.socketId();

    const events = await waitFor((all) => all.some((e) => e.name === "client_event" && e.channel === `presence-${room}`), "the client event");
    const mine = events.filter((e) => e.channel === `presence-${room}`);
    expect(mine.find((e) => e.name === "member_added")).toMatchObject({ user_id: "alice", key: app.key });
    expect(mine.find((e) => e.name === "client_event")).toMatchObject({
      event: "client-typing",
      data: JSON.stringify({ on: true }),
      socket_id: socketId,
      user_id: "alice",
    });
    expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
  });
});
