// Presence across nodes on the real Redis server, and after a node crash (SIGKILL): the core's node leases expire
// the dead node's members and every other node sees member_removed once.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import { presenceArgs } from "./support/globalSetup.js";
import { Recorder, connectEcho, connectPusher, disconnectAll, serverSdk } from "./support/clients.js";
import { startPusherNode } from "./support/servers.js";

const nodes = inject("nodes");
const unique = (base: string) => `${base}.${randomUUID().slice(0, 8)}`;

afterEach(() => disconnectAll());

describe("Pusher clients on two nodes of one Redis cluster", () => {
  it("share presence, events and whispers across nodes", async () => {
    const room = unique("room");
    const alice = await connectEcho(nodes.redisA, { user: { id: "alice", name: "Alice" } });
    const bob = await connectEcho(nodes.redisB, { user: { id: "bob", name: "Bob" } });
    const aliceJoining = new Recorder<unknown>();
    const aliceEvents = new Recorder<unknown>();
    const aliceWhispers = new Recorder<unknown>();
    const aliceHere = new Recorder<unknown[]>();
    alice.join(room).here(aliceHere.add).joining(aliceJoining.add).listen(".message", aliceEvents.add).listenForWhisper("typing", aliceWhispers.add);
    await aliceHere.count(1);
    const bobHere = new Recorder<unknown[]>();
    const bobRoom = bob.join(room).here(bobHere.add);
    expect((await bobHere.count(1))[0]).toEqual(expect.arrayContaining([{ name: "Alice" }, { name: "Bob" }]));
    expect((await aliceJoining.count(1))[0]).toEqual({ name: "Bob" });

    await serverSdk(nodes.redisB).trigger(`presence-${room}`, "message", { from: "node B" });
    expect((await aliceEvents.count(1))[0]).toEqual({ from: "node B" });
    bobRoom.whisper("typing", { bob: true });
    expect((await aliceWhispers.count(1))[0]).toEqual({ bob: true });
  });

  it("removes a crashed node's members once, on every other node", async () => {
    const room = unique("room");
    const nodeC = await startPusherNode({ name: "crash", redis: nodes.redis, prefix: nodes.prefix, extraArgs: presenceArgs });
    let killed = false;
    try {
      const watchers = await Promise.all([
        connectEcho(nodes.redisA, { user: { id: "alice", name: "Alice" } }),
        connectEcho(nodes.redisB, { user: { id: "bob", name: "Bob" } }),
      ]);
      const leaving = watchers.map(() => new Recorder<unknown>());
      const joining = watchers.map(() => new Recorder<unknown>());
      const ready = watchers.map(() => new Recorder<unknown>());
      watchers.forEach((echo, i) => echo.join(room).here(ready[i]!.add).joining(joining[i]!.add).leaving(leaving[i]!.add));
      await Promise.all(ready.map((r) => r.count(1)));

      const carol = await connectEcho(nodeC.url, { user: { id: "carol", name: "Carol" } });
      const carolHere = new Recorder<unknown[]>();
      carol.join(room).here(carolHere.add);
      await carolHere.count(1);
      await Promise.all(joining.map((j) => j.until((items) => items.some((m) => (m as { name: string }).name === "Carol"), "Carol joined")));

      await nodeC.kill();
      killed = true;
      carol.disconnect(); // no reconnect attempts to the dead node
      for (const recorder of leaving) {
        expect((await recorder.count(1, "Carol removed", 20_000))[0]).toEqual({ name: "Carol" });
      }
      // No second removal is in flight: a later join reaches both watchers after the one removal.
      const dan = await connectEcho(nodes.redisA, { user: { id: "dan", name: "Dan" } });
      dan.join(room);
      await Promise.all(joining.map((j) => j.until((items) => items.some((m) => (m as { name: string }).name === "Dan"), "Dan joined")));
      for (const recorder of leaving) {
        expect(recorder.items).toEqual([{ name: "Carol" }]);
      }
    } finally {
      if (!killed) {
        await nodeC.stop();
      }
    }
  });

  it("closes Pusher sockets with 4200 (reconnect now) when a node shuts down, so clients move to another node", async () => {
    const draining = await startPusherNode({ name: "drain", redis: nodes.redis, prefix: nodes.prefix, extraArgs: presenceArgs });
    let stopped = false;
    try {
      const pusher = await connectPusher(draining.url);
      const codes = new Recorder<number>();
      pusher.connection.bind("error", (e: { data?: { code?: number } }) => e.data?.code !== undefined && codes.add(e.data.code));
      await draining.stop();
      stopped = true;
      expect((await codes.count(1))[0]).toBe(4200);
      pusher.disconnect();
    } finally {
      if (!stopped) {
        await draining.stop();
      }
    }
  });
});
