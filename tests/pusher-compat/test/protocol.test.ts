// Protocol 7 details that steer pusher-js, seen on a bare WebSocket.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import { publish } from "../../../clients/typescript/test/integration/support/harness.js";
import { RawSocket, disconnectAll, serverSdk } from "./support/clients.js";

const nodes = inject("nodes");
const unique = (base: string) => `${base}.${randomUUID().slice(0, 8)}`;

afterEach(() => disconnectAll());

describe("Pusher protocol endpoint", () => {
  it("opens with connection_established carrying an unguessable digits.digits socket id and the activity timeout", async () => {
    const first = RawSocket.open(nodes.memory);
    const second = RawSocket.open(nodes.memory);
    const established = await first.next("pusher:connection_established");
    expect(established.data).toMatchObject({ activity_timeout: 120 });
    const id = await first.socketId();
    expect(id).toMatch(/^\d+\.\d+$/);
    expect(id.length).toBeGreaterThan(20);
    expect(await second.socketId()).not.toBe(id);
  });

  it("refuses an unknown app key with pusher:error and close code 4001", async () => {
    const socket = RawSocket.open(nodes.memory, "no-such-key");
    const error = await socket.next("pusher:error");
    expect(error.data).toMatchObject({ code: 4001 });
    expect((await socket.closed).code).toBe(4001);
  });

  it("refuses a protocol older than 5 with close code 4007", async () => {
    const socket = RawSocket.open(nodes.memory, "test-key", "protocol=4");
    expect((await socket.closed).code).toBe(4007);
  });

  it("answers pusher:ping with pusher:pong", async () => {
    const socket = RawSocket.open(nodes.memory);
    await socket.socketId();
    socket.send("pusher:ping", {});
    await socket.next("pusher:pong");
  });

  it("pings a silent client after the activity timeout and closes it with 4201 when no pong comes", async () => {
    const socket = RawSocket.open(nodes.fast);
    const established = await socket.next("pusher:connection_established");
    expect(established.data).toMatchObject({ activity_timeout: 1 });
    await socket.next("pusher:ping");
    const closed = await socket.closed;
    expect(closed.code).toBe(4201);
  });

  it("keeps a client that answers the server's pings", async () => {
    const socket = RawSocket.open(nodes.fast);
    await socket.socketId();
    let pings = 0;
    socket.ws.on("message", (raw) => {
      if (JSON.parse(raw.toString()).event === "pusher:ping") {
        pings++;
        socket.send("pusher:pong", {});
      }
    });
    await socket.frames.until(() => pings >= 3, "three server pings answered");
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  });

  it("refuses a private subscription whose signature is wrong with subscription_error tagged with the channel", async () => {
    const socket = RawSocket.open(nodes.memory);
    await socket.socketId();
    const channel = "private-orders.7";
    socket.send("pusher:subscribe", { channel, auth: "test-key:0000" });
    const error = await socket.next("pusher:subscription_error", channel);
    expect(error.data).toMatchObject({ type: "AuthError", status: 401 });
  });

  it("verifies the signature over the exact channel_data received", async () => {
    const socket = RawSocket.open(nodes.memory);
    const socketId = await socket.socketId();
    const channel = `presence-${unique("room")}`;
    const signed = serverSdk(nodes.memory).authorizeChannel(socketId, channel, { user_id: "u1", user_info: { name: "A" } });
    // Same JSON, different bytes: the signature no longer matches.
    const altered = signed.channel_data!.replace("{", "{ ");
    socket.send("pusher:subscribe", { channel, auth: signed.auth, channel_data: altered });
    expect((await socket.next("pusher:subscription_error", channel)).data).toMatchObject({ status: 401 });
    socket.send("pusher:subscribe", { channel, auth: signed.auth, channel_data: signed.channel_data });
    const succeeded = await socket.next("pusher_internal:subscription_succeeded", channel);
    expect(succeeded.data).toEqual({ presence: { ids: ["u1"], hash: { u1: { name: "A" } }, count: 1 } });
  });

  it("sends a client event rate limit as a 4301 pusher:error message and keeps the connection", async () => {
    const socket = RawSocket.open(nodes.memory);
    const socketId = await socket.socketId();
    const channel = `private-${unique("orders")}`;
    socket.send("pusher:subscribe", { channel, auth: serverSdk(nodes.memory).authorizeChannel(socketId, channel).auth });
    await socket.next("pusher_internal:subscription_succeeded", channel);
    for (let i = 0; i < 15; i++) {
      socket.send("client-typing", { i }, channel);
    }
    const error = await socket.next("pusher:error");
    expect(error.data).toMatchObject({ code: 4301 });
    socket.send("pusher:ping", {});
    await socket.next("pusher:pong");
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  });

  it("refuses client events on public channels and from non-subscribers", async () => {
    const socket = RawSocket.open(nodes.memory);
    await socket.socketId();
    const channel = unique("news");
    socket.send("pusher:subscribe", { channel });
    await socket.next("pusher_internal:subscription_succeeded", channel);
    socket.send("client-typing", {}, channel);
    socket.send("client-typing", {}, "private-not-subscribed");
    await socket.frames.until((f) => f.filter((x) => x.event === "pusher:error").length >= 2, "two errors");
  });

  it("closes a client that does not read fast enough with 4100 (reconnect later) instead of queueing without bound", async () => {
    const socket = RawSocket.open(nodes.memory);
    await socket.socketId();
    const channel = unique("firehose");
    socket.send("pusher:subscribe", { channel });
    await socket.next("pusher_internal:subscription_succeeded", channel);
    // Stop reading: the server's sends back up into its per-socket queue.
    const tcp = (socket.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const big = { blob: "x".repeat(60_000) };
    for (let i = 0; i < 120; i++) {
      await publish(nodes.memory, channel, "big", big);
    }
    tcp.resume();
    expect((await socket.closed).code).toBe(4100);
  });
});
