// laravel-echo 2.x and pusher-js 8.x, unchanged, against the server's Pusher endpoint.
import { randomUUID } from "node:crypto";
import type Echo from "laravel-echo";
import { afterEach, describe, expect, inject, it } from "vitest";
import { publish } from "../../../clients/typescript/test/integration/support/harness.js";
import { Recorder, connectEcho, connectPusher, connected, disconnectAll, serverSdk, within, type PusherClient } from "./support/clients.js";
import { startExternalAuth } from "./support/externalAuth.js";

const nodes = inject("nodes");
const url = nodes.memory;
const unique = (base: string) => `${base}.${randomUUID().slice(0, 8)}`;
const alice = { id: "alice", name: "Alice" };
const bob = { id: "bob", name: "Bob" };

afterEach(() => disconnectAll());

type EchoChannel = ReturnType<Echo<"reverb">["channel"]>;

/** Resolves once Echo's channel reports its subscription succeeded. */
function subscribed(channel: EchoChannel): Promise<void> {
  return within(new Promise<void>((resolve) => channel.subscribed(() => resolve())), "subscription_succeeded");
}

describe("laravel-echo against the Pusher endpoint", () => {
  it("receives server events on a public channel, with the object the app published", async () => {
    const echo = await connectEcho(url);
    const name = unique("news");
    const events = new Recorder<unknown>();
    const channel = echo.channel(name).listen(".message", events.add);
    await subscribed(channel);
    await publish(url, name, "message", { text: "hello", n: 1 });
    expect((await events.count(1))[0]).toEqual({ text: "hello", n: 1 });
  });

  it("subscribes to a private channel authorized by the server's own routes (/broadcasting/auth)", async () => {
    const echo = await connectEcho(url, { user: alice });
    const events = new Recorder<unknown>();
    const channel = echo.private("orders.5").listen(".shipped", events.add);
    await subscribed(channel);
    await publish(url, "private-orders.5", "shipped", { id: 5 });
    expect((await events.count(1))[0]).toEqual({ id: 5 });
  });

  it("reports a subscription the routes deny to Echo's error() with status 403", async () => {
    const echo = await connectEcho(url, { user: alice });
    const errors = new Recorder<{ type?: string; status?: number }>();
    echo.private("orders.5000").error(errors.add);
    expect((await errors.count(1))[0]).toMatchObject({ type: "AuthError", status: 403 });
  });

  it("accepts signatures from an external auth endpoint sharing the secret (auth A)", async () => {
    const external = await startExternalAuth(serverSdk(url), { user_id: "carol", user_info: { name: "Carol" } });
    try {
      const echo = await connectEcho(url, { authEndpoint: external.url });
      const here = new Recorder<unknown[]>();
      const room = unique("team");
      echo.join(room).here(here.add);
      expect((await here.count(1))[0]).toEqual([{ name: "Carol" }]);
      // The external app decides; the server's routes are not consulted (orders.5000 is denied by them).
      const events = new Recorder<unknown>();
      const channel = echo.private("orders.5000").listen(".shipped", events.add);
      await subscribed(channel);
      await publish(url, "private-orders.5000", "shipped", { id: 5000 });
      expect((await events.count(1))[0]).toEqual({ id: 5000 });
    } finally {
      await external.close();
    }
  });

  it("reports a signature made with the wrong secret to Echo's error() (subscription_error from the server)", async () => {
    const external = await startExternalAuth(serverSdk(url, { id: "1", key: "test-key", secret: "not-the-secret" }), { user_id: "x" });
    try {
      const echo = await connectEcho(url, { authEndpoint: external.url });
      const errors = new Recorder<{ type?: string; status?: number }>();
      echo.private(unique("orders")).error(errors.add);
      expect((await errors.count(1))[0]).toMatchObject({ type: "AuthError", status: 401 });
    } finally {
      await external.close();
    }
  });

  it("lists presence members and raises joining and leaving once per user, whatever the number of tabs", async () => {
    const room = unique("room");
    const aliceTab1 = await connectEcho(url, { user: alice });
    const aliceTab2 = await connectEcho(url, { user: alice });
    const bobEcho = await connectEcho(url, { user: bob });

    const bobHere = new Recorder<unknown[]>();
    const joining = new Recorder<unknown>();
    const leaving = new Recorder<unknown>();
    bobEcho.join(room).here(bobHere.add).joining(joining.add).leaving(leaving.add);
    expect((await bobHere.count(1))[0]).toEqual([{ name: "Bob" }]);

    const aliceHere = new Recorder<unknown[]>();
    aliceTab1.join(room).here(aliceHere.add);
    await joining.count(1);
    aliceTab2.join(room).here(aliceHere.add);
    const lists = await aliceHere.count(2);
    for (const list of lists) {
      expect(list).toHaveLength(2);
      expect(list).toEqual(expect.arrayContaining([{ name: "Alice" }, { name: "Bob" }]));
    }

    aliceTab1.leave(room);
    aliceTab2.leave(room);
    expect((await leaving.count(1))[0]).toEqual({ name: "Alice" });
    expect(joining.items).toEqual([{ name: "Alice" }]);
    // Proof that no second leaving or joining is still in flight: a later join arrives alone.
    const carol = await connectEcho(url, { user: { id: "carol", name: "Carol" } });
    carol.join(room);
    await joining.count(2);
    expect(leaving.items).toHaveLength(1);
  });

  it("delivers whispers to the other subscribers only, with the sender's user_id on presence channels", async () => {
    const room = unique("room");
    const aliceEcho = await connectEcho(url, { user: alice });
    const bobEcho = await connectEcho(url, { user: bob });
    const aliceHeard = new Recorder<unknown>();
    const bobHeard = new Recorder<{ data: unknown; userId: unknown }>();
    const aliceChannel = aliceEcho.join(room).listenForWhisper("typing", aliceHeard.add);
    const bobChannel = bobEcho.join(room).listenForWhisper("typing", (data: unknown, metadata: { user_id?: string } | undefined) =>
      bobHeard.add({ data, userId: metadata?.user_id }),
    );
    await Promise.all([subscribed(aliceChannel), subscribed(bobChannel)]);
    aliceChannel.whisper("typing", { typing: true });
    expect((await bobHeard.count(1))[0]).toEqual({ data: { typing: true }, userId: "alice" });
    // Bob answers; Alice receives Bob's whisper and never her own.
    bobChannel.whisper("typing", { typing: false });
    await aliceHeard.count(1);
    expect(aliceHeard.items).toEqual([{ typing: false }]);
  });

  it("leaves out the sender's socket (X-Socket-ID = Echo's socketId()) on toOthers publishes", async () => {
    const name = unique("news");
    const sender = await connectEcho(url);
    const other = await connectEcho(url);
    const senderEvents = new Recorder<unknown>();
    const otherEvents = new Recorder<unknown>();
    const a = sender.channel(name).listen(".message", senderEvents.add);
    const b = other.channel(name).listen(".message", otherEvents.add);
    await Promise.all([subscribed(a), subscribed(b)]);
    const socketId = sender.socketId()!;
    expect(socketId).toMatch(/^\d+\.\d+$/);
    await publish(url, name, "message", { n: 1 }, socketId);
    await publish(url, name, "message", { n: 2 });
    await otherEvents.count(2);
    await senderEvents.count(1);
    expect(senderEvents.items).toEqual([{ n: 2 }]);
  });

  it("serves the last event of a cache channel on subscribe, and pusher:cache_miss when there is none", async () => {
    const cached = `cache-${unique("prices")}`;
    await publish(url, cached, "price", { v: 1 });
    await publish(url, cached, "price", { v: 2 });
    const echo = await connectEcho(url);
    const prices = new Recorder<unknown>();
    echo.channel(cached).listen(".price", prices.add);
    expect((await prices.count(1))[0]).toEqual({ v: 2 });

    const misses = new Recorder<unknown>();
    echo.channel(`cache-${unique("empty")}`).listen(".pusher:cache_miss", misses.add);
    await misses.count(1);
  });
});

describe("pusher-js connection management", () => {
  function socketIdChange(pusher: PusherClient, from: string): Promise<string> {
    return within(
      new Promise<string>((resolve) => {
        const check = () => {
          if (pusher.connection.state === "connected" && pusher.connection.socket_id !== from) {
            resolve(pusher.connection.socket_id);
          }
        };
        pusher.connection.bind("state_change", check);
        check();
      }),
      "a new connection",
    );
  }

  it("reconnects at once after the server closes the socket (4200) and resubscribes", async () => {
    const name = unique("news");
    const pusher = await connectPusher(url);
    const events = new Recorder<unknown>();
    const closeCodes = new Recorder<number>();
    pusher.connection.bind("error", (e: { data?: { code?: number } }) => e.data?.code !== undefined && closeCodes.add(e.data.code));
    const subscriptions = new Recorder<unknown>();
    pusher.subscribe(name).bind("message", events.add).bind("pusher:subscription_succeeded", subscriptions.add);
    await subscriptions.count(1);
    const first = pusher.connection.socket_id;
    const response = await fetch(`${url}/abort/${first}`, { method: "POST" });
    expect(response.status).toBe(204);
    const second = await socketIdChange(pusher, first);
    expect(second).not.toBe(first);
    expect((await closeCodes.count(1))[0]).toBe(4200);
    await subscriptions.count(2, "resubscribed");
    await publish(url, name, "message", { after: true });
    expect((await events.count(1))[0]).toEqual({ after: true });
  });

  it("keeps the connection alive with pusher:ping / pusher:pong at the server's activity timeout", async () => {
    const pusher = await connectPusher(nodes.fast);
    const first = pusher.connection.socket_id;
    const pongs = new Recorder<string>();
    pusher.connection.bind("message", (m: { event: string }) => m.event === "pusher:pong" && pongs.add(m.event));
    await pongs.count(3, "three pongs", 15_000);
    await connected(pusher);
    expect(pusher.connection.socket_id).toBe(first);
  });
});
