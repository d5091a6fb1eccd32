import { afterEach, describe, expect, inject, it } from "vitest";
import type { MemberLeftReason, PresenceMember } from "../../src/index.js";
import { connect, disconnectAll, publish, Recorder, uniqueName, type Protocol } from "./support/harness.js";

// Two nodes of one Redis cluster: what a client of one does is seen by the clients of the other.
const { redisA, redisB } = inject("servers");
const ada = { id: "ada", name: "Ada" };
const bob = { id: "bob", name: "Bob" };

afterEach(disconnectAll);

describe.each<Protocol>(["json", "messagepack"])("two Redis nodes over %s", (protocol) => {
  it("delivers an event published on one node to subscribers of both", async () => {
    const name = uniqueName("news");
    const { client: onA } = await connect(redisA, { protocol, start: false });
    const { client: onB } = await connect(redisB, { protocol, start: false });
    const sawA = new Recorder<unknown>();
    const sawB = new Recorder<unknown>();
    onA.channel(name).listen("headline", sawA.add);
    onB.channel(name).listen("headline", sawB.add);
    await Promise.all([onA.start(), onB.start()]);

    await publish(redisA, name, "headline", { title: "from A" });
    await publish(redisB, name, "headline", { title: "from B" });

    expect(await sawA.count(2)).toEqual([{ title: "from A" }, { title: "from B" }]);
    expect(await sawB.count(2)).toEqual([{ title: "from A" }, { title: "from B" }]);
  });

  it("shares presence: here lists members of both nodes, joining and leaving cross over", async () => {
    const room = uniqueName("room");
    const { client: adaClient } = await connect(redisA, { protocol, user: ada, start: false });
    const joining = new Recorder<PresenceMember>();
    const leaving = new Recorder<{ id: string; reason: MemberLeftReason }>();
    adaClient.join(room).joining(joining.add).leaving((m, reason) => leaving.add({ id: m.id, reason }));
    await adaClient.start();

    const { client: bobClient } = await connect(redisB, { protocol, user: bob, start: false });
    const bobHere = new Recorder<readonly PresenceMember[]>();
    bobClient.join(room).here(bobHere.add);
    await bobClient.start();

    const [here] = await bobHere.count(1);
    expect([...here!].sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: "ada", info: { name: "Ada" } },
      { id: "bob", info: { name: "Bob" } },
    ]);
    expect(await joining.count(1)).toEqual([{ id: "bob", info: { name: "Bob" } }]);

    await bobClient.disconnect();
    expect(await leaving.count(1)).toEqual([{ id: "bob", reason: "disconnected" }]);
  });

  it("carries whispers between nodes", async () => {
    const room = uniqueName("room");
    const { client: adaClient } = await connect(redisA, { protocol, user: ada, start: false });
    const { client: bobClient } = await connect(redisB, { protocol, user: bob, start: false });
    const heard = new Recorder<{ data: unknown; from: string | undefined }>();
    const adaRoom = adaClient.join<object, unknown, { typing: { name: string } }>(room);
    bobClient.join<object, unknown, { typing: { name: string } }>(room).listenForWhisper("typing", (data, from) => heard.add({ data, from }));
    await Promise.all([adaClient.start(), bobClient.start()]);

    await adaRoom.whisper("typing", { name: "Ada" });

    expect(await heard.count(1)).toEqual([{ data: { name: "Ada" }, from: "ada" }]);
  });
});
