// private-encrypted- channels: the server relays ciphertext it cannot read; /broadcasting/auth serves the channel's
// shared secret derived from the app's master key, as the Pusher server SDKs derive it.
import { randomUUID } from "node:crypto";
import PusherServer from "pusher";
import { afterEach, describe, expect, inject, it } from "vitest";
import { Recorder, app, connectPusher, disconnectAll } from "./support/clients.js";

const nodes = inject("nodes");
const url = nodes.memory;
// The TestServer's master key for app 1: bytes 0, 1, …, 31.
const masterKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("base64");

afterEach(() => disconnectAll());

describe("private-encrypted channels", () => {
  it("deliver events encrypted by the server SDK, decrypted by pusher-js with the shared secret from /broadcasting/auth", async () => {
    const channel = `private-encrypted-${randomUUID().slice(0, 8)}`;
    const pusher = await connectPusher(url, { user: { id: "alice", name: "Alice" } });
    const events = new Recorder<unknown>();
    const subscribed = new Recorder<unknown>();
    pusher.subscribe(channel).bind("secret", events.add).bind("pusher:subscription_succeeded", subscribed.add);
    await subscribed.count(1);

    const parsed = new URL(url);
    const sdk = new PusherServer({
      appId: app.id,
      key: app.key,
      secret: app.secret,
      host: parsed.hostname,
      port: parsed.port,
      useTLS: false,
      encryptionMasterKeyBase64: masterKey,
    });
    await sdk.trigger(channel, "secret", { plain: "text" });
    expect((await events.count(1))[0]).toEqual({ plain: "text" });
  });

  it("refuse client events", async () => {
    const channel = `private-encrypted-${randomUUID().slice(0, 8)}`;
    const pusher = await connectPusher(url, { user: { id: "alice", name: "Alice" } });
    const subscribed = new Recorder<unknown>();
    pusher.subscribe(channel).bind("pusher:subscription_succeeded", subscribed.add);
    await subscribed.count(1);
    const errors = new Recorder<{ data?: { message?: string } }>();
    pusher.connection.bind("error", errors.add);
    pusher.send_event("client-typing", {}, channel);
    expect((await errors.count(1))[0]!.data?.message).toMatch(/encrypted/);
  });
});
