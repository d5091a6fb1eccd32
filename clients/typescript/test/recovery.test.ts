import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelsClient } from "../src/ChannelsClient.js";
import type { ChannelEvent, StreamPosition } from "../src/protocol.js";
import type { GapInfo } from "../src/typing.js";
import { FakeConnection, historyResult, offsetEvent, settle, subscribeResult } from "./support/FakeConnection.js";
import { TestLogger } from "./support/TestLogger.js";

interface SubscribeOptions {
  since: StreamPosition | Record<string, StreamPosition> | null;
  events: string[] | null;
}

const name = "presence-chat.1";

/** A server holding the channel's stream in memory, answering Subscribe/GetHistory as the protocol says. */
class StreamServer {
  epoch = "e1";
  events: ChannelEvent[] = [];
  retained = Number.POSITIVE_INFINITY;

  get top(): StreamPosition {
    return { offset: this.events.length === 0 ? 0 : this.events[this.events.length - 1]!.offset!, epoch: this.epoch };
  }

  publish(count = 1): ChannelEvent[] {
    const published: ChannelEvent[] = [];
    for (let i = 0; i < count; i++) {
      const event = offsetEvent(name, this.top.offset + 1, this.epoch);
      this.events.push(event);
      published.push(event);
    }
    return published;
  }

  after(since: StreamPosition): ChannelEvent[] | null {
    const firstKept = this.events.length - Math.min(this.retained, this.events.length);
    const kept = this.events.slice(firstKept);
    if (since.epoch !== this.epoch || (kept.length > 0 && kept[0]!.offset! > since.offset + 1)) {
      return null;
    }
    return kept.filter((e) => e.offset! > since.offset);
  }

  subscribe(channel: string, options: SubscribeOptions | null) {
    const since = options?.since as StreamPosition | null | undefined;
    if (since == null) {
      return subscribeResult(channel, { position: this.top, members: [] });
    }
    const missed = this.after(since);
    return subscribeResult(channel, { position: this.top, recovered: missed !== null, missed: missed ?? [], members: [] });
  }
}

let fake: FakeConnection;
let server: StreamServer;
let client: ChannelsClient;
let delivered: number[];
let gaps: GapInfo[];

beforeEach(() => {
  vi.useFakeTimers();
  server = new StreamServer();
  fake = new FakeConnection()
    .handle("Subscribe", (channel: string, options: SubscribeOptions | null) => server.subscribe(channel, options))
    .handle("GetHistory", (_channel: string, options: { since: StreamPosition; limit: number }) =>
      historyResult((server.after(options.since) ?? []).slice(0, options.limit), server.top),
    );
  client = new ChannelsClient({ connection: fake, logger: new TestLogger(), reorderWindowMs: 150 });
  delivered = [];
  gaps = [];
  client
    .join(name.slice("presence-".length))
    .listen("message", (_data, event) => delivered.push(event.offset!))
    .onGap((gap) => gaps.push(gap));
});

afterEach(() => {
  vi.useRealTimers();
});

function sendLive(events: readonly ChannelEvent[]): void {
  events.forEach((event) => fake.send(event));
}

describe("recovery across reconnects", () => {
  it("starts a fresh subscription after the stream's current position", async () => {
    server.publish(3);
    await client.start();

    sendLive(server.publish(2));

    expect(fake.calls("Subscribe")[0]!.args).toEqual([name, null]);
    expect(delivered).toEqual([4, 5]);
  });

  it("resubscribes with since = the last delivered position and delivers the missed events once, in order", async () => {
    await client.start();
    sendLive(server.publish(2));

    fake.drop();
    const missedWhileAway = server.publish(3);
    fake.reconnect();
    sendLive([missedWhileAway[2]!, ...server.publish(1)]); // live events racing the Subscribe answer
    await settle();

    expect(fake.calls("Subscribe")[1]!.args).toEqual([name, { since: { offset: 2, epoch: "e1" } }]);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    expect(gaps).toEqual([]);
  });

  it("batches resubscription of several channels in SubscribeMany with a since map", async () => {
    const other = client.channel("room.9");
    fake.handle("SubscribeMany", (channels: string[], options: { since: Record<string, StreamPosition> } | null) =>
      channels.map((channel) =>
        channel === name ? server.subscribe(channel, { since: options?.since?.[channel] ?? null, events: null }) : subscribeResult(channel),
      ),
    );
    await client.start();
    sendLive(server.publish(2));

    fake.drop();
    server.publish(1);
    fake.reconnect();
    await settle();

    const calls = fake.calls("SubscribeMany");
    expect(calls[1]!.args).toEqual([[name, "room.9"], { since: { [name]: { offset: 2, epoch: "e1" } } }]);
    expect(delivered).toEqual([1, 2, 3]);
    expect(other.state).toBe("subscribed");
  });

  it("surfaces not_recovered when the missed events are out of the server's window, then goes on from its position", async () => {
    await client.start();
    sendLive(server.publish(1));

    fake.drop();
    server.retained = 2;
    server.publish(5);
    fake.reconnect();
    await settle();
    sendLive(server.publish(1));

    expect(gaps).toEqual([{ channel: name, reason: "not_recovered", epoch: "e1", fromOffset: 2, toOffset: 6 }]);
    expect(delivered).toEqual([1, 7]);
  });

  it("surfaces epoch_changed when the stream was lost while away", async () => {
    await client.start();
    sendLive(server.publish(4));

    fake.drop();
    server.epoch = "e2";
    server.events = [];
    server.publish(2);
    fake.reconnect();
    await settle();
    sendLive(server.publish(1));

    expect(gaps).toEqual([{ channel: name, reason: "epoch_changed", epoch: "e1", fromOffset: 5, toOffset: null }]);
    expect(delivered).toEqual([1, 2, 3, 4, 3]);
    expect(client.join("chat.1").position).toEqual({ offset: 3, epoch: "e2" });
  });
});

describe("ordering of live events", () => {
  it("drops duplicated live events (at-least-once fan-out)", async () => {
    await client.start();
    const events = server.publish(3);

    sendLive([events[0]!, events[0]!, events[1]!, events[0]!, events[2]!, events[1]!]);

    expect(delivered).toEqual([1, 2, 3]);
  });

  it("fills a hole from GetHistory after the reorder window", async () => {
    await client.start();
    const events = server.publish(4);

    sendLive([events[0]!, events[3]!]);
    expect(delivered).toEqual([1]);
    await vi.advanceTimersByTimeAsync(150);

    expect(fake.calls("GetHistory").map((c) => c.args)).toEqual([[name, { since: { offset: 1, epoch: "e1" }, limit: 2, reverse: null }]]);
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(gaps).toEqual([]);
  });

  it("surfaces a hole that history no longer holds via onGap and continues from the newer event", async () => {
    await client.start();
    server.retained = 1;
    const events = server.publish(4);

    sendLive([events[3]!]);
    await vi.advanceTimersByTimeAsync(150);
    sendLive(server.publish(1));

    expect(gaps).toEqual([{ channel: name, reason: "history_incomplete", epoch: "e1", fromOffset: 1, toOffset: 3 }]);
    expect(delivered).toEqual([4, 5]);
  });

  it("does not go to history when the reordered event arrives in time", async () => {
    await client.start();
    const events = server.publish(3);

    sendLive([events[1]!, events[2]!]);
    await vi.advanceTimersByTimeAsync(100);
    sendLive([events[0]!]);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(fake.calls("GetHistory")).toEqual([]);
    expect(delivered).toEqual([1, 2, 3]);
  });

  it("passes events without offsets straight through alongside ordered ones", async () => {
    const untyped: string[] = [];
    client.join("chat.1").listen("ping", (data) => untyped.push(String(data)));
    await client.start();
    const events = server.publish(2);

    sendLive([events[1]!]);
    fake.send({ channel: name, event: "ping", data: "now" });

    expect(untyped).toEqual(["now"]);
    expect(delivered).toEqual([]);
  });
});
