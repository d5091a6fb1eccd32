import { afterEach, describe, expect, inject, it } from "vitest";
import { ChannelError, type ChannelEvent } from "../../src/index.js";
import { connect, disconnectAll, Recorder, uniqueName, within, type Protocol } from "./support/harness.js";

const { memory } = inject("servers");
const ada = { id: "ada", name: "Ada" };
const bob = { id: "bob", name: "Bob" };

interface Whispers {
  typing: { name: string };
  reply: { to: string };
}

interface Heard {
  event: string;
  data: unknown;
  from: string | undefined;
}

afterEach(disconnectAll);

describe.each<Protocol>(["json", "messagepack"])("whispers over %s", (protocol) => {
  it.each(["presence", "private"] as const)("reach the other %s subscriber with a server-stamped from, never the sender", async (kind) => {
    const name = kind === "presence" ? uniqueName("room") : "orders.77";
    const open = (client: Awaited<ReturnType<typeof connect>>["client"]) =>
      kind === "presence" ? client.join<object, unknown, Whispers>(name) : client.private<object, Whispers>(name);
    const { client: adaClient } = await connect(memory, { protocol, user: ada, start: false });
    const { client: bobClient } = await connect(memory, { protocol, user: bob, start: false });
    const adaHeard = new Recorder<Heard>();
    const bobHeard = new Recorder<Heard>();
    const record = (recorder: Recorder<Heard>) => (data: unknown, from: string | undefined, event: ChannelEvent) =>
      recorder.add({ event: event.event, data, from });
    const adaChannel = open(adaClient).listenForWhisper("typing", record(adaHeard)).listenForWhisper("reply", record(adaHeard));
    const bobChannel = open(bobClient).listenForWhisper("typing", record(bobHeard)).listenForWhisper("reply", record(bobHeard));
    await Promise.all([adaClient.start(), bobClient.start()]);

    await adaChannel.whisper("typing", { name: "Ada" });
    expect(await bobHeard.count(1)).toEqual([{ event: "client-typing", data: { name: "Ada" }, from: "ada" }]);

    // Bob answers only after hearing Ada: an echo of Ada's whisper would have reached her before this reply.
    await bobChannel.whisper("reply", { to: "ada" });
    expect(await adaHeard.count(1)).toEqual([{ event: "client-reply", data: { to: "ada" }, from: "bob" }]);
    expect(bobHeard.items).toHaveLength(1);
  });

  it("is refused on a public channel", async () => {
    const { client } = await connect(memory, { protocol, user: ada });
    const name = uniqueName("public");
    // A public channel has no whisper(); the hub method is still reachable through invoke().
    client.channel(name);
    const error = await within(
      client.invoke("Whisper", name, "typing", {}).then(
        () => undefined,
        (e: unknown) => e,
      ),
      "the Whisper call",
    );
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).code).toBe("whisper_disabled");
  });
});
