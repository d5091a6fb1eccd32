import { afterEach, describe, expect, inject, it } from "vitest";
import type { ChannelEvent } from "../../src/index.js";
import { connect, disconnectAll, publish, Recorder, uniqueName, type Protocol } from "./support/harness.js";

const { memory } = inject("servers");

afterEach(disconnectAll);

interface NewsEvents {
  headline: { title: string; tags: string[]; nested: { n: number } };
}

describe.each<Protocol>(["json", "messagepack"])("public channels over %s", (protocol) => {
  it("delivers an event published over HTTP with its payload and envelope", async () => {
    const name = uniqueName("news");
    const { client } = await connect(memory, { protocol, start: false });
    const received = new Recorder<ChannelEvent>();
    const channel = client.channel<NewsEvents>(name).listen("headline", (_, envelope) => received.add(envelope));
    await client.start();
    expect(channel.state).toBe("subscribed");

    const before = Date.now();
    await publish(memory, name, "headline", { title: "Hello", tags: ["a", "b"], nested: { n: 42 } });

    const [event] = await received.count(1);
    expect(event).toMatchObject({ channel: name, event: "headline", data: { title: "Hello", tags: ["a", "b"], nested: { n: 42 } } });
    expect(event!.offset).toBeUndefined();
    expect(event!.from).toBeUndefined();
    expect(event!.timestamp).toBeGreaterThan(before - 60_000);
  });

  it("subscribes channels asked for after start and keeps their order of events", async () => {
    const name = uniqueName("ticker");
    const { client } = await connect(memory, { protocol });
    const received = new Recorder<unknown>();
    const subscribed = new Recorder<unknown>();
    client.channel(name).subscribed(subscribed.add).listen("tick", received.add);
    await subscribed.count(1, "the subscription");

    for (let i = 1; i <= 5; i++) {
      await publish(memory, name, "tick", { i });
    }

    expect(await received.count(5)).toEqual([1, 2, 3, 4, 5].map((i) => ({ i })));
  });

  it("stops delivering once the channel is left", async () => {
    const name = uniqueName("left");
    const { client: leaver } = await connect(memory, { protocol, start: false });
    const { client: stayer } = await connect(memory, { protocol, start: false });
    const gone = new Recorder<unknown>();
    const kept = new Recorder<unknown>();
    leaver.channel(name).listen("e", gone.add);
    stayer.channel(name).listen("e", kept.add);
    await Promise.all([leaver.start(), stayer.start()]);
    await publish(memory, name, "e", { n: 1 });
    await gone.count(1);
    await kept.count(1);

    await leaver.leaveChannel(name);
    await publish(memory, name, "e", { n: 2 });

    // The stayer gets event 2 only after the server handled the leave, so the leaver would have it by now too.
    await kept.count(2);
    expect(gone.items).toEqual([{ n: 1 }]);
  });
});

describe.each([
  { transport: "longPolling", protocol: "json" },
  { transport: "longPolling", protocol: "messagepack" },
  { transport: "serverSentEvents", protocol: "json" },
] as const)("public channels over $transport with $protocol", ({ transport, protocol }) => {
  it("delivers a published event", async () => {
    const name = uniqueName("transport");
    const { client } = await connect(memory, { protocol, transport, start: false });
    const received = new Recorder<unknown>();
    client.channel(name).listen("ping", received.add);
    await client.start();

    await publish(memory, name, "ping", { via: transport });

    expect(await received.count(1)).toEqual([{ via: transport }]);
  });
});
