import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelsClient } from "../src/ChannelsClient.js";
import type { PresenceMember } from "../src/protocol.js";
import { Deferred, FakeConnection, settle, subscribeResult } from "./support/FakeConnection.js";
import { TestLogger } from "./support/TestLogger.js";

interface Member {
  name: string;
}

const ada: PresenceMember<Member> = { id: "u1", info: { name: "Ada" } };
const bob: PresenceMember<Member> = { id: "u2", info: { name: "Bob" } };
const cy: PresenceMember<Member> = { id: "u3", info: { name: "Cy" } };

let fake: FakeConnection;
let client: ChannelsClient;
let members: PresenceMember<Member>[];

beforeEach(() => {
  members = [ada, bob];
  fake = new FakeConnection().handle("Subscribe", (name: string) => subscribeResult(name, { members }));
  client = new ChannelsClient({ connection: fake, logger: new TestLogger() });
});

describe("PresenceChannel members", () => {
  it("drops a held leave of someone the subscription lists, and applies the other held presence events", async () => {
    const answer = new Deferred<ReturnType<typeof subscribeResult>>();
    fake.handle("Subscribe", () => answer.promise);
    const leaving = vi.fn();
    const joining = vi.fn();
    const channel = client.join<{}, Member>("chat.1").leaving(leaving).joining(joining);
    const started = client.start();
    await settle();

    // Ada's old tab went away just before her new tab's subscribe read the list (which has her again);
    // Cy joined and left before the read.
    fake.send({ channel: "presence-chat.1", event: "member:left", data: { ...ada, reason: "disconnected" } });
    fake.send({ channel: "presence-chat.1", event: "member:joined", data: cy });
    fake.send({ channel: "presence-chat.1", event: "member:left", data: { ...cy, reason: "left" } });
    answer.resolve(subscribeResult("presence-chat.1", { members: [ada, bob] }));
    await started;
    await settle();

    // Ada's stale leave is dropped; Cy's join and leave are applied in order, so Cy ends up absent.
    expect(channel.members).toEqual([ada, bob]);
    expect(leaving.mock.calls).toEqual([[cy, "left"]]);
    expect(joining.mock.calls).toEqual([[cy]]);

    fake.send({ channel: "presence-chat.1", event: "member:left", data: { ...bob, reason: "left" } });
    expect(channel.members).toEqual([ada]);
    expect(leaving).toHaveBeenCalledWith(bob, "left");
  });

  it("calls here with the members of the subscription result", async () => {
    const here = vi.fn();
    const channel = client.join<{}, Member>("chat.1").here(here);

    await client.start();

    expect(here).toHaveBeenCalledWith([ada, bob]);
    expect(channel.members).toEqual([ada, bob]);
  });

  it("adds a member on member:joined and calls joining", async () => {
    const joining = vi.fn();
    const channel = client.join<{}, Member>("chat.1").joining(joining);
    await client.start();

    fake.send({ channel: "presence-chat.1", event: "member:joined", data: cy });

    expect(joining).toHaveBeenCalledWith(cy);
    expect(channel.members).toEqual([ada, bob, cy]);
  });

  it("does not call joining for a member it already lists, but takes the newer info", async () => {
    const joining = vi.fn();
    const channel = client.join<{}, Member>("chat.1").joining(joining);
    await client.start();

    fake.send({ channel: "presence-chat.1", event: "member:joined", data: { id: "u1", info: { name: "Ada L." } } });

    expect(joining).not.toHaveBeenCalled();
    expect(channel.members).toEqual([{ id: "u1", info: { name: "Ada L." } }, bob]);
  });

  it("removes a member on member:left and calls leaving with the reason", async () => {
    const leaving = vi.fn();
    const channel = client.join<{}, Member>("chat.1").leaving(leaving);
    await client.start();

    fake.send({ channel: "presence-chat.1", event: "member:left", data: { ...bob, reason: "timeout" } });
    fake.send({ channel: "presence-chat.1", event: "member:left", data: { ...cy, reason: "left" } });

    expect(leaving).toHaveBeenCalledTimes(1);
    expect(leaving).toHaveBeenCalledWith(bob, "timeout");
    expect(channel.members).toEqual([ada]);
  });

  it("does not hand reserved member events to ordinary listeners", async () => {
    const listener = vi.fn();
    client.join("chat.1").listen("member:joined", listener);
    await client.start();

    fake.send({ channel: "presence-chat.1", event: "member:joined", data: cy });

    expect(listener).not.toHaveBeenCalled();
  });

  it("replaces the member list on resubscription and calls here again", async () => {
    const here = vi.fn();
    const channel = client.join<{}, Member>("chat.1").here(here);
    await client.start();

    members = [bob, cy];
    fake.drop();
    fake.reconnect();
    await vi.waitFor(() => expect(here).toHaveBeenCalledTimes(2));

    expect(here).toHaveBeenLastCalledWith([bob, cy]);
    expect(channel.members).toEqual([bob, cy]);
  });

  it("fetches the member list page by page with GetMembersPage", async () => {
    fake.handle("GetMembersPage", (_name: string, options: { after: string | null }) =>
      options.after === null ? { members: [ada], next: "u1" } : { members: [cy], next: null },
    );
    const here = vi.fn();
    const channel = client.join<{}, Member>("chat.1").here(here);
    await client.start();

    const fetched = await channel.fetchMembers();

    expect(fake.calls("GetMembersPage").map((c) => c.args)).toEqual([
      ["presence-chat.1", { after: null, limit: null }],
      ["presence-chat.1", { after: "u1", limit: null }],
    ]);
    expect(fetched).toEqual([ada, cy]);
    expect(here).toHaveBeenLastCalledWith([ada, cy]);
  });

  it("reads the rest of a cut subscription list, applying the leaves and joins that arrive meanwhile", async () => {
    const page = new Deferred<{ members: PresenceMember<Member>[]; next: string | null }>();
    fake.handle("Subscribe", (name: string) => subscribeResult(name, { members: [ada], membersNext: "u1" }));
    fake.handle("GetMembersPage", () => page.promise);
    const here = vi.fn();
    const channel = client.join<{}, Member>("chat.1").here(here);
    await client.start();
    await settle();
    expect(here).not.toHaveBeenCalled();

    // Bob leaves and Cy joins after the page below was read on the server.
    fake.send({ channel: "presence-chat.1", event: "member:left", data: { ...bob, reason: "left" } });
    fake.send({ channel: "presence-chat.1", event: "member:joined", data: cy });
    page.resolve({ members: [bob], next: null });
    await settle();

    expect(fake.calls("GetMembersPage").map((c) => c.args)).toEqual([["presence-chat.1", { after: "u1", limit: null }]]);
    expect(channel.members).toEqual([ada, cy]);
    expect(here.mock.calls).toEqual([[[ada, cy]]]);
  });

  it("forgets its members when the server removes the subscription", async () => {
    const channel = client.join<{}, Member>("chat.1");
    await client.start();

    fake.send({ channel: "presence-chat.1", event: "channel:unsubscribed", data: { reason: "forbidden: banned" } });

    expect(channel.members).toEqual([]);
  });
});
