// A pusher-js (laravel-echo) client and a SignalR client (the project's TypeScript client) in one presence channel.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { PresenceMember } from "../../../clients/typescript/src/index.js";
import { connect, disconnectAll as disconnectSignalR, publish } from "../../../clients/typescript/test/integration/support/harness.js";
import { Recorder, connectEcho, disconnectAll, serverSdk } from "./support/clients.js";

const nodes = inject("nodes");
const unique = (base: string) => `${base}.${randomUUID().slice(0, 8)}`;

afterEach(async () => {
  disconnectAll();
  await disconnectSignalR();
});

describe.each([
  ["one node", () => [nodes.memory, nodes.memory] as const],
  ["two nodes on Redis", () => [nodes.redisA, nodes.redisB] as const],
])("Pusher and SignalR clients in one presence channel (%s)", (_, urls) => {
  it("see each other's members, events and whispers", async () => {
    const [pusherNode, signalRNode] = urls();
    const room = unique("room");

    const { client } = await connect(signalRNode, { user: { id: "dave", name: "Dave" }, start: false });
    const daveJoining = new Recorder<PresenceMember>();
    const daveLeaving = new Recorder<PresenceMember>();
    const daveEvents = new Recorder<unknown>();
    const daveWhispers = new Recorder<{ data: unknown; from: unknown }>();
    const daveRoom = client
      .join(room)
      .joining(daveJoining.add)
      .leaving(daveLeaving.add)
      .listen("message", daveEvents.add)
      .listenForWhisper("typing", (data: unknown, from: unknown) => daveWhispers.add({ data, from }));
    await client.start();
    await daveRoom.whenSubscribed();

    const echo = await connectEcho(pusherNode, { user: { id: "erin", name: "Erin" } });
    const erinHere = new Recorder<unknown[]>();
    const erinJoining = new Recorder<unknown>();
    const erinEvents = new Recorder<unknown>();
    const erinWhispers = new Recorder<{ data: unknown; userId: unknown }>();
    const erinRoom = echo
      .join(room)
      .here(erinHere.add)
      .joining(erinJoining.add)
      .listen(".message", erinEvents.add)
      .listenForWhisper("typing", (data: unknown, metadata: { user_id?: string } | undefined) =>
        erinWhispers.add({ data, userId: metadata?.user_id }),
      );

    // Members: Erin's here lists Dave; Dave sees Erin join.
    const here = (await erinHere.count(1))[0]!;
    expect(here).toEqual(expect.arrayContaining([{ name: "Dave" }, { name: "Erin" }]));
    expect(here).toHaveLength(2);
    expect((await daveJoining.count(1))[0]).toEqual({ id: "erin", info: { name: "Erin" } });

    // Events: one publish on the SignalR node reaches both; one through the Pusher HTTP API too.
    await publish(signalRNode, `presence-${room}`, "message", { n: 1 });
    await serverSdk(pusherNode).trigger(`presence-${room}`, "message", { n: 2 });
    await erinEvents.count(2);
    await daveEvents.count(2);
    expect(erinEvents.items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(daveEvents.items).toEqual([{ n: 1 }, { n: 2 }]);

    // Whispers both ways, stamped with the sender.
    erinRoom.whisper("typing", { who: "erin" });
    expect((await daveWhispers.count(1))[0]).toEqual({ data: { who: "erin" }, from: "erin" });
    await daveRoom.whisper("typing", { who: "dave" });
    expect((await erinWhispers.count(1))[0]).toEqual({ data: { who: "dave" }, userId: "dave" });

    // Leaving: Dave sees Erin leave once.
    echo.leave(room);
    expect((await daveLeaving.count(1))[0]).toMatchObject({ id: "erin" });
    expect(erinJoining.items).toEqual([]);
  });
});
