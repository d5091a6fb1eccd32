import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelError } from "../src/ChannelError.js";
import { ChannelsClient } from "../src/ChannelsClient.js";
import { FakeConnection } from "./support/FakeConnection.js";
import { TestLogger } from "./support/TestLogger.js";

interface Whispers {
  typing: { name: string };
}

let fake: FakeConnection;
let client: ChannelsClient;

beforeEach(() => {
  fake = new FakeConnection();
  client = new ChannelsClient({ connection: fake, logger: new TestLogger() });
});

describe("PrivateChannel whispers", () => {
  it("invokes Whisper with the channel and the event name without the client- prefix", async () => {
    const channel = client.private<{}, Whispers>("chat.1");
    await client.start();

    await channel.whisper("typing", { name: "Ada" });

    expect(fake.calls("Whisper")).toEqual([{ method: "Whisper", args: ["private-chat.1", "typing", { name: "Ada" }] }]);
  });

  it("rejects with a coded ChannelError when the server refuses", async () => {
    fake.handle("Whisper", () => {
      throw new Error("An unexpected error occurred invoking 'Whisper' on the server. HubException: rate_limited: 10 whispers per second");
    });
    const channel = client.private<{}, Whispers>("chat.1");
    await client.start();

    const error = await channel.whisper("typing", { name: "Ada" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code: "rate_limited", detail: "10 whispers per second", channel: "private-chat.1" });
  });

  it("delivers client-<name> events to whisper listeners with the server-stamped sender", async () => {
    const typing = vi.fn();
    const plain = vi.fn();
    client.private<Record<string, unknown>, Whispers>("chat.1").listenForWhisper("typing", typing).listen("client-typing", plain);
    await client.start();

    fake.send({ channel: "private-chat.1", event: "client-typing", data: { name: "Ada" }, from: "user-7" });

    expect(typing).toHaveBeenCalledWith({ name: "Ada" }, "user-7", expect.objectContaining({ event: "client-typing" }));
    expect(plain).not.toHaveBeenCalled();
  });

  it("does not mix whisper names up with event names", async () => {
    const typing = vi.fn();
    const message = vi.fn();
    client.private("chat.1").listenForWhisper("message", typing).listen("message", message);
    await client.start();

    fake.send({ channel: "private-chat.1", event: "message", data: 1 });

    expect(message).toHaveBeenCalledOnce();
    expect(typing).not.toHaveBeenCalled();
  });

  it("stops whisper listeners one at a time or all at once", async () => {
    const first = vi.fn();
    const second = vi.fn();
    const channel = client.private<{}, Whispers>("chat.1").listenForWhisper("typing", first).listenForWhisper("typing", second);
    await client.start();

    channel.stopListeningForWhisper("typing", first);
    fake.send({ channel: "private-chat.1", event: "client-typing", data: {} });
    channel.stopListeningForWhisper("typing");
    fake.send({ channel: "private-chat.1", event: "client-typing", data: {} });

    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });
});
