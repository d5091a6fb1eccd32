import { afterEach, describe, expect, inject, it } from "vitest";
import { connect, disconnectAll, publish, Recorder, uniqueName, type Protocol } from "./support/harness.js";

const { memory, redisA, redisB } = inject("servers");

afterEach(disconnectAll);

describe.each<Protocol>(["json", "messagepack"])("socketId and toOthers over %s", (protocol) => {
  it("knows its connection id although negotiation is skipped", async () => {
    const { client } = await connect(memory, { protocol });
    const first = client.socketId();
    expect(first).toMatch(/^\S+$/);
    const { client: other } = await connect(memory, { protocol });
    expect(other.socketId()).not.toBe(first);
  });

  it("knows its connection id from negotiation when it is not skipped", async () => {
    const { client } = await connect(memory, { protocol, skipNegotiation: false });
    expect(client.socketId()).toMatch(/^\S+$/);
  });

  it("leaves out the client whose X-Socket-ID the publishing request carried", async () => {
    const name = uniqueName("feed");
    const { client: author } = await connect(memory, { protocol, start: false });
    const { client: reader } = await connect(memory, { protocol, start: false });
    const authorSaw = new Recorder<unknown>();
    const readerSaw = new Recorder<unknown>();
    author.channel(name).listen("post", authorSaw.add);
    reader.channel(name).listen("post", readerSaw.add);
    await Promise.all([author.start(), reader.start()]);

    await publish(memory, name, "post", { n: 1 }, author.socketId());
    expect(await readerSaw.count(1)).toEqual([{ n: 1 }]);
    await publish(memory, name, "post", { n: 2 });

    // Events reach a connection in publish order: once the author has 2, it would have had 1.
    expect(await authorSaw.count(1)).toEqual([{ n: 2 }]);
    expect(await readerSaw.count(2)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("leaves out the author across Redis nodes", async () => {
    const name = uniqueName("feed");
    const { client: author } = await connect(redisB, { protocol, start: false });
    const { client: reader } = await connect(redisA, { protocol, start: false });
    const authorSaw = new Recorder<unknown>();
    const readerSaw = new Recorder<unknown>();
    author.channel(name).listen("post", authorSaw.add);
    reader.channel(name).listen("post", readerSaw.add);
    await Promise.all([author.start(), reader.start()]);

    await publish(redisA, name, "post", { n: 1 }, author.socketId());
    expect(await readerSaw.count(1)).toEqual([{ n: 1 }]);
    await publish(redisA, name, "post", { n: 2 });

    expect(await authorSaw.count(1)).toEqual([{ n: 2 }]);
  });
});
