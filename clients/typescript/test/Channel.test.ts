import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelError } from "../src/ChannelError.js";
import { ChannelsClient } from "../src/ChannelsClient.js";
import { FakeConnection, historyResult, offsetEvent, subscribeResult } from "./support/FakeConnection.js";
import { TestLogger } from "./support/TestLogger.js";

let fake: FakeConnection;
let logger: TestLogger;
let client: ChannelsClient;

beforeEach(async () => {
  fake = new FakeConnection();
  logger = new TestLogger();
  client = new ChannelsClient({ connection: fake, logger });
});

describe("Channel listeners", () => {
  it("returns itself from every listener method so calls chain", () => {
    const channel = client.channel("room.1");
    const noop = () => {};

    expect(channel.listen("a", noop)).toBe(channel);
    expect(channel.stopListening("a", noop)).toBe(channel);
    expect(channel.listenToAll(noop)).toBe(channel);
    expect(channel.stopListeningToAll(noop)).toBe(channel);
    expect(channel.subscribed(noop)).toBe(channel);
    expect(channel.error(noop)).toBe(channel);
    expect(channel.onGap(noop)).toBe(channel);
    expect(channel.unsubscribed(noop)).toBe(channel);
  });

  it("calls every listener of an event, with payload and envelope", async () => {
    const first = vi.fn();
    const second = vi.fn();
    client.channel("room.1").listen("message", first).listen("message", second);
    await client.start();

    fake.send({ channel: "room.1", event: "message", data: { text: "hi" }, timestamp: 7, from: "u1" });

    expect(first).toHaveBeenCalledWith({ text: "hi" }, expect.objectContaining({ timestamp: 7, from: "u1" }));
    expect(second).toHaveBeenCalledOnce();
  });

  it("stops one listener or all listeners of an event", async () => {
    const first = vi.fn();
    const second = vi.fn();
    const channel = client.channel("room.1").listen("message", first).listen("message", second);
    await client.start();

    channel.stopListening("message", first);
    fake.send({ channel: "room.1", event: "message" });
    channel.stopListening("message");
    fake.send({ channel: "room.1", event: "message" });

    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });

  it("keeps delivering to other listeners when one throws, and logs the failure", async () => {
    const after = vi.fn();
    client
      .channel("room.1")
      .listen("message", () => {
        throw new Error("app bug");
      })
      .listen("message", after);
    await client.start();

    fake.send({ channel: "room.1", event: "message" });

    expect(after).toHaveBeenCalledOnce();
    expect(logger.errors).toEqual([expect.stringContaining("A 'message' listener of channel room.1 threw: Error: app bug")]);
  });

  it("gives listenToAll every app event but no presence, whisper or control event", async () => {
    const all = vi.fn();
    client.join("chat.1").listenToAll(all);
    await client.start();

    fake.send({ channel: "presence-chat.1", event: "message", data: 1 });
    fake.send({ channel: "presence-chat.1", event: "member:joined", data: { id: "u1", info: {} } });
    fake.send({ channel: "presence-chat.1", event: "client-typing", data: {} });

    expect(all.mock.calls.map(([e]) => e.event)).toEqual(["message"]);
  });

  it("reports the subscription with its position and whether it was a resubscription", async () => {
    fake.handle("Subscribe", (name: string, options: { since: unknown } | null) =>
      subscribeResult(name, { position: { offset: 4, epoch: "e1" }, recovered: options?.since != null }),
    );
    const infos: unknown[] = [];
    client.channel("room.1").subscribed((info) => infos.push(info));

    await client.start();
    fake.drop();
    fake.reconnect();
    await vi.waitFor(() => expect(infos).toHaveLength(2));

    expect(infos).toEqual([
      { channel: "room.1", position: { offset: 4, epoch: "e1" }, recovered: false, resubscribed: false },
      { channel: "room.1", position: { offset: 4, epoch: "e1" }, recovered: true, resubscribed: true },
    ]);
  });

  it("does not deliver events before the subscription is confirmed, then delivers them after", async () => {
    let answer!: (value: unknown) => void;
    fake.handle("Subscribe", () => new Promise((resolve) => (answer = resolve)));
    const order: string[] = [];
    client
      .channel("room.1")
      .subscribed(() => order.push("subscribed"))
      .listen("message", (data) => order.push(String(data)));
    const started = client.start();
    await vi.waitFor(() => expect(fake.calls("Subscribe")).toHaveLength(1));

    fake.send({ channel: "room.1", event: "message", data: "early" });
    expect(order).toEqual([]);
    answer(subscribeResult("room.1"));
    await started;

    expect(order).toEqual(["subscribed", "early"]);
  });
});

describe("Channel history", () => {
  it("invokes GetHistory with every option present (null when unused)", async () => {
    const channel = client.channel("room.1");
    await client.start();

    await channel.history();
    await channel.history({ since: { offset: 3, epoch: "e1" }, limit: 10, reverse: true });

    expect(fake.calls("GetHistory").map((c) => c.args)).toEqual([
      ["room.1", { since: null, limit: null, reverse: null }],
      ["room.1", { since: { offset: 3, epoch: "e1" }, limit: 10, reverse: true }],
    ]);
  });

  it("returns normalized positions and events", async () => {
    fake.handle("GetHistory", () =>
      historyResult([{ ...offsetEvent("room.1", 2), offset: 2n as unknown as number, from: null as unknown as string }], {
        offset: 2n as unknown as number,
        epoch: "e1",
      }),
    );
    const channel = client.channel("room.1");
    await client.start();

    const result = await channel.history({ limit: 1 });

    expect(result.position).toEqual({ offset: 2, epoch: "e1" });
    expect(result.events).toEqual([offsetEvent("room.1", 2)]);
  });

  it("rejects with a coded ChannelError", async () => {
    fake.handle("GetHistory", () => {
      throw new Error("An unexpected error occurred invoking 'GetHistory' on the server. HubException: not_subscribed: subscribe first");
    });
    const channel = client.channel("room.1");
    await client.start();

    const error = await channel.history().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code: "not_subscribed", channel: "room.1" });
  });

  it("rejects with unavailable before the client ever started", async () => {
    await expect(client.channel("room.1").history()).rejects.toMatchObject({ code: "unavailable" });
  });
});

describe("Channel.whenSubscribed", () => {
  it("resolves when the subscription completes, and at once afterwards", async () => {
    let answer!: (value: unknown) => void;
    fake.handle("Subscribe", (name: string) => new Promise((resolve) => (answer = () => resolve(subscribeResult(name)))));
    const channel = client.channel("room.1");
    const started = client.start();
    const subscribed = channel.whenSubscribed();
    let done = false;
    void subscribed.then(() => (done = true));
    await vi.waitFor(() => expect(fake.calls("Subscribe")).toHaveLength(1));
    expect(done).toBe(false);

    answer(undefined);
    await started;
    await subscribed;

    expect(done).toBe(true);
    await expect(channel.whenSubscribed()).resolves.toBeUndefined();
  });

  it("rejects with the ChannelError when the server refuses the subscription", async () => {
    fake.handle("Subscribe", () => Promise.reject(new Error("An unexpected error occurred invoking 'Subscribe' on the server. HubException: forbidden: subscription to 'private-x' denied")));
    const channel = client.private("x");
    const subscribed = channel.whenSubscribed();
    await client.start();

    await expect(subscribed).rejects.toMatchObject({ code: "forbidden" });
    expect(subscribed).toBeInstanceOf(Promise);
    await expect(subscribed).rejects.toBeInstanceOf(ChannelError);
  });
});
