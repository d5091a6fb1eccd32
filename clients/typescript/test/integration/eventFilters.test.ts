import { HttpTransportType, HubConnectionBuilder } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { GapInfo, SubscribedInfo } from "../../src/index.js";
import { abortConnection, connect, disconnectAll, publish, Recorder, stateReached, uniqueName, type Protocol } from "./support/harness.js";

const { memory } = inject("servers");

afterEach(disconnectAll);

interface OrderEvents {
  tick: { i: number };
  noise: { i: number };
}

/** A connection whose `ChannelEvent` invocations are counted as they arrive, before the client sees them. */
function countingConnection(protocol: Protocol): { hub: ReturnType<HubConnectionBuilder["build"]>; frames: () => number } {
  let frames = 0;
  const builder = new HubConnectionBuilder().withUrl(`${memory}/hubs/test`, {
    transport: HttpTransportType.WebSockets,
    skipNegotiation: true,
  });
  const hub = (protocol === "messagepack" ? builder.withHubProtocol(new MessagePackHubProtocol()) : builder).build();
  hub.on("ChannelEvent", () => frames++);
  return { hub, frames: () => frames };
}

/** Publishes `tick` at odd i and `noise` at even i, so on a history channel the ticks have odd offsets. */
async function publishMixed(channel: string, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    await publish(memory, channel, i % 2 === 1 ? "tick" : "noise", { i });
  }
}

describe.each<Protocol>(["json", "messagepack"])("event filters over %s", (protocol) => {
  it("sends only the listed events: unwanted ones never arrive as ChannelEvent frames", async () => {
    const name = uniqueName("filtered");
    const { hub, frames } = countingConnection(protocol);
    const { client } = await connect(memory, { connection: hub, start: false });
    const ticks = new Recorder<number>();
    const noise = new Recorder<number>();
    const subscribed = new Recorder<SubscribedInfo>();
    client
      .channel<OrderEvents>(name, { events: ["tick"] })
      .listen("tick", (data) => ticks.add(data.i))
      .listen("noise", (data) => noise.add(data.i))
      .subscribed(subscribed.add);
    await client.start();
    await subscribed.count(1, "the subscription");

    await publishMixed(name, 2, 9);

    expect(await ticks.count(4, "the ticks")).toEqual([3, 5, 7, 9]);
    expect(frames()).toBe(4);
    expect(noise.items).toEqual([]);
  });

  it("recovers a filtered history channel after a forced disconnect without reporting the filtered holes", async () => {
    const name = uniqueName("history");
    const { client } = await connect(memory, { protocol, start: false, reconnect: { delaysMs: [1_000, 100], jitter: 0 } });
    const offsets = new Recorder<number>();
    const gaps = new Recorder<GapInfo>();
    const subscriptions = new Recorder<SubscribedInfo>();
    const channel = client
      .channel<OrderEvents>(name, { events: ["tick"] })
      .listen("tick", (_, event) => offsets.add(event.offset!))
      .subscribed(subscriptions.add)
      .onGap(gaps.add);
    await client.start();
    await subscriptions.count(1, "the subscription");

    await publishMixed(name, 1, 6);
    await offsets.count(3, "the first ticks");
    const reconnecting = stateReached(client, "reconnecting");
    await abortConnection(memory, client.socketId()!);
    await reconnecting;
    await publishMixed(name, 7, 12);
    await subscriptions.count(2, "the resubscription");
    await publishMixed(name, 13, 14);

    expect(await offsets.count(7, "every tick")).toEqual([1, 3, 5, 7, 9, 11, 13]);
    expect(gaps.items).toEqual([]);
    expect(subscriptions.items[1]).toMatchObject({ resubscribed: true, recovered: true });
    // Read from the start: where the first event follows on is not known, so it carries no prevOffset.
    const history = await channel.history();
    expect(history.events.map((e) => [e.offset, e.prevOffset])).toEqual([
      [1, undefined],
      [3, 1],
      [5, 3],
      [7, 5],
      [9, 7],
      [11, 9],
      [13, 11],
    ]);
  });
});
