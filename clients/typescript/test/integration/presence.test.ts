import { afterEach, describe, expect, inject, it } from "vitest";
import type { ChannelError, MemberLeftReason, PresenceMember } from "../../src/index.js";
import { abortConnection, connect, disconnectAll, Recorder, uniqueName, type Protocol } from "./support/harness.js";

const { memory } = inject("servers");
const ada = { id: "ada", name: "Ada" };
const bob = { id: "bob", name: "Bob" };

interface Info {
  name: string;
}

afterEach(disconnectAll);

const ids = (members: readonly PresenceMember<Info>[]) => members.map((m) => m.id).sort();

describe.each<Protocol>(["json", "messagepack"])("presence channels over %s", (protocol) => {
  it("tells here, joining and leaving across two users", async () => {
    const room = uniqueName("room");
    const { client: adaClient } = await connect(memory, { protocol, user: ada, start: false });
    const adaHere = new Recorder<readonly PresenceMember<Info>[]>();
    const adaJoining = new Recorder<PresenceMember<Info>>();
    const adaLeaving = new Recorder<{ member: PresenceMember<Info>; reason: MemberLeftReason }>();
    const adaRoom = adaClient
      .join<Record<string, never>, Info>(room)
      .here(adaHere.add)
      .joining(adaJoining.add)
      .leaving((member, reason) => adaLeaving.add({ member, reason }));
    await adaClient.start();
    expect(adaHere.items).toEqual([[{ id: "ada", info: { name: "Ada" } }]]);

    const { client: bobClient } = await connect(memory, { protocol, user: bob, start: false });
    const bobHere = new Recorder<readonly PresenceMember<Info>[]>();
    bobClient.join<Record<string, never>, Info>(room).here(bobHere.add);
    await bobClient.start();

    expect(ids((await bobHere.count(1))[0]!)).toEqual(["ada", "bob"]);
    expect(await adaJoining.count(1)).toEqual([{ id: "bob", info: { name: "Bob" } }]);
    expect(ids(adaRoom.members)).toEqual(["ada", "bob"]);

    await bobClient.leave(room);
    expect(await adaLeaving.count(1)).toEqual([{ member: { id: "bob", info: { name: "Bob" } }, reason: "left" }]);
    expect(ids(adaRoom.members)).toEqual(["ada"]);
    expect(ids(await adaRoom.fetchMembers())).toEqual(["ada"]);
  });

  it("raises leaving with reason disconnected when the member's connection closes", async () => {
    const room = uniqueName("room");
    const { client: adaClient } = await connect(memory, { protocol, user: ada, start: false });
    const leaving = new Recorder<{ id: string; reason: MemberLeftReason }>();
    const joining = new Recorder<PresenceMember>();
    adaClient.join(room).joining(joining.add).leaving((m, reason) => leaving.add({ id: m.id, reason }));
    await adaClient.start();
    const { client: bobClient } = await connect(memory, { protocol, user: bob, start: false });
    bobClient.join(room);
    await bobClient.start();
    await joining.count(1);

    await bobClient.disconnect();

    expect(await leaving.count(1)).toEqual([{ id: "bob", reason: "disconnected" }]);
  });

  it("counts a user once however many connections they have (multi-tab rule)", async () => {
    const room = uniqueName("room");
    const { client: adaClient } = await connect(memory, { protocol, user: ada, start: false });
    const joining = new Recorder<PresenceMember>();
    const leaving = new Recorder<PresenceMember>();
    const adaRoom = adaClient.join(room).joining(joining.add).leaving(leaving.add);
    await adaClient.start();

    const { client: bobTab1 } = await connect(memory, { protocol, user: bob, start: false });
    bobTab1.join(room);
    await bobTab1.start();
    await joining.count(1);
    const { client: bobTab2 } = await connect(memory, { protocol, user: bob, start: false });
    const tab2Here = new Recorder<readonly PresenceMember[]>();
    bobTab2.join(room).here(tab2Here.add);
    await bobTab2.start();
    expect(ids((await tab2Here.count(1))[0]! as PresenceMember<Info>[])).toEqual(["ada", "bob"]);

    await bobTab1.disconnect();
    // Still one bob: the members list agrees, and no leaving was raised.
    expect(ids(await adaRoom.fetchMembers() as PresenceMember<Info>[])).toEqual(["ada", "bob"]);
    expect(leaving.items).toEqual([]);

    await bobTab2.disconnect();
    expect((await leaving.count(1)).map((m) => m.id)).toEqual(["bob"]);
    expect(joining.items.map((m) => m.id)).toEqual(["bob"]);
  });

  it("refuses an anonymous user (the presence callback returns null)", async () => {
    const { client } = await connect(memory, { protocol, start: false });
    const errors = new Recorder<ChannelError>();
    const room = client.join(uniqueName("room")).error(errors.add);
    await client.start();

    expect((await errors.count(1))[0]!.code).toBe("forbidden");
    expect(room.state).toBe("failed");
  });
});

describe.each<Protocol>(["json", "messagepack"])("presence across a reconnect over %s", (protocol) => {
  it("shows the member again after its connection is dropped and comes back, and here is fresh", async () => {
    const room = uniqueName("room");
    const { client: adaClient } = await connect(memory, { protocol, user: ada, start: false });
    const joining = new Recorder<string>();
    const leaving = new Recorder<{ id: string; reason: MemberLeftReason }>();
    const adaRoom = adaClient.join(room).joining((m) => joining.add(m.id)).leaving((m, reason) => leaving.add({ id: m.id, reason }));
    await adaClient.start();
    const { client: bobClient } = await connect(memory, { protocol, user: bob, start: false, reconnect: { delaysMs: [200], jitter: 0 } });
    const bobHere = new Recorder<readonly PresenceMember[]>();
    bobClient.join(room).here(bobHere.add);
    await bobClient.start();
    await joining.count(1);

    await abortConnection(memory, bobClient.socketId()!);

    expect(await leaving.count(1)).toEqual([{ id: "bob", reason: "disconnected" }]);
    expect(await joining.count(2)).toEqual(["bob", "bob"]);
    const [, here] = await bobHere.count(2, "here after the resubscription");
    expect(ids(here! as PresenceMember<Info>[])).toEqual(["ada", "bob"]);
    expect(ids(adaRoom.members as PresenceMember<Info>[])).toEqual(["ada", "bob"]);
  });
});
