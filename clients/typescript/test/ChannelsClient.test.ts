import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelError } from "../src/ChannelError.js";
import { ChannelsClient } from "../src/ChannelsClient.js";
import type { ChannelsClientOptions } from "../src/ChannelsClientOptions.js";
import type { ConnectionState } from "../src/typing.js";
import { Deferred, FakeConnection, settle, subscribeResult } from "./support/FakeConnection.js";
import { TestLogger } from "./support/TestLogger.js";

let fake: FakeConnection;
let logger: TestLogger;

function createClient(options: Partial<ChannelsClientOptions> = {}): ChannelsClient {
  return new ChannelsClient({ connection: fake, logger, reconnect: { delaysMs: [1_000], jitter: 0 }, ...options });
}

beforeEach(() => {
  fake = new FakeConnection();
  logger = new TestLogger();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("ChannelsClient construction and naming", () => {
  it("needs a url or a connection", () => {
    expect(() => new ChannelsClient({})).toThrow(TypeError);
    expect(() => new ChannelsClient({ url: "http://localhost:5000/hubs/chat" })).not.toThrow();
  });

  it("rejects a relative url outside a browser with a clear error", () => {
    expect(() => new ChannelsClient({ url: "/hubs/chat" })).toThrow(/relative.*absolute URL/);
    expect(() => new ChannelsClient({ url: "//example.com/hubs/chat" })).toThrow(TypeError);
  });

  it("accepts a relative url where a page gives the base", () => {
    vi.stubGlobal("location", { href: "http://localhost:5000/chat" });
    try {
      expect(() => new ChannelsClient({ url: "/hubs/chat" })).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("accepts the full name of a private or presence channel and names the same channel", () => {
    const client = createClient();

    expect(client.private("private-orders.42")).toBe(client.private("orders.42"));
    expect(client.private("private-orders.42").name).toBe("private-orders.42");
    expect(client.join("presence-chat.1")).toBe(client.join("chat.1"));
    expect(client.join("presence-chat.1").name).toBe("presence-chat.1");
  });

  it("rejects a name with the other kind's prefix", () => {
    const client = createClient();

    expect(() => client.private("presence-chat.1")).toThrow(ChannelError);
    expect(() => client.join("private-orders.42")).toThrow(/not a presence channel name/);
    expect(() => client.channel("private-orders.42")).toThrow(/not a public channel name/);
  });

  it("prefixes private and presence channel names", () => {
    const client = createClient();

    expect(client.channel("room.1").name).toBe("room.1");
    expect(client.private("orders.42").name).toBe("private-orders.42");
    expect(client.join("chat.1").name).toBe("presence-chat.1");
  });

  it("hands out the same channel object for the same name", () => {
    const client = createClient();

    expect(client.private("orders.42")).toBe(client.private("orders.42"));
  });

  it("refuses a prefixed name on channel()", () => {
    const client = createClient();

    expect(() => client.channel("private-orders.42")).toThrow(ChannelError);
    expect(() => client.channel("presence-chat.1")).toThrow(/join\(\)/);
  });
});

describe("ChannelsClient connection", () => {
  it("starts the connection and reports state changes in order", async () => {
    const client = createClient();
    const states: [ConnectionState, ConnectionState][] = [];
    client.onStateChange((state, previous) => states.push([state, previous]));

    expect(client.state).toBe("disconnected");
    await client.start();

    expect(client.state).toBe("connected");
    expect(states).toEqual([
      ["connecting", "disconnected"],
      ["connected", "connecting"],
    ]);
  });

  it("stops calling a state listener once its remover is called", async () => {
    const client = createClient();
    const listener = vi.fn();
    const remove = client.onStateChange(listener);

    remove();
    await client.start();

    expect(listener).not.toHaveBeenCalled();
  });

  it("exposes the connection id as the socket id", async () => {
    const client = createClient();
    expect(client.socketId()).toBeUndefined();

    await client.start();

    expect(client.socketId()).toBe("conn-1");
  });

  it("forgets the socket id on disconnect(), also one learned from GetSocketId", async () => {
    // Negotiation skipped: the transport knows no id, the server tells it.
    Object.defineProperty(fake, "connectionId", { get: () => null, set: () => undefined });
    fake.handle("GetSocketId", () => "server-id");
    const client = createClient();
    await client.start();
    expect(client.socketId()).toBe("server-id");

    await client.disconnect();

    expect(client.socketId()).toBeUndefined();
  });

  it("has no socket id while reconnecting", async () => {
    const client = createClient();
    await client.start();

    fake.drop();

    expect(client.state).toBe("reconnecting");
    expect(client.socketId()).toBeUndefined();
  });

  it("rejects start() and returns to disconnected when the connection cannot start", async () => {
    fake.startFailures = 1;
    const client = createClient();

    await expect(client.start()).rejects.toThrow(/unreachable/);
    expect(client.state).toBe("disconnected");
  });

  it("shares one start between concurrent callers", async () => {
    const client = createClient();

    await Promise.all([client.start(), client.start()]);

    expect(fake.starts).toBe(1);
  });
});

describe("ChannelsClient subscriptions", () => {
  it("subscribes a single channel with Subscribe and null options", async () => {
    const client = createClient();
    client.channel("room.1");

    await client.start();

    expect(fake.invocations).toEqual([{ method: "Subscribe", args: ["room.1", null] }]);
    expect(client.channel("room.1").state).toBe("subscribed");
  });

  it("batches the channels asked for before start() into one SubscribeMany", async () => {
    const client = createClient();
    client.channel("room.1");
    client.private("orders.42");
    client.join("chat.1");

    await client.start();

    expect(fake.invocations).toEqual([{ method: "SubscribeMany", args: [["room.1", "private-orders.42", "presence-chat.1"], null] }]);
  });

  it("splits bulk subscriptions by batch size", async () => {
    const client = createClient({ subscribeBatchSize: 2 });
    ["a", "b", "c"].forEach((name) => client.channel(name));

    await client.start();

    expect(fake.invocations).toEqual([
      { method: "SubscribeMany", args: [["a", "b"], null] },
      { method: "Subscribe", args: ["c", null] },
    ]);
  });

  it("subscribes at once a channel asked for while connected", async () => {
    const client = createClient();
    await client.start();

    client.private("orders.42");
    await settle();

    expect(fake.invocations).toEqual([{ method: "Subscribe", args: ["private-orders.42", null] }]);
  });

  it("raises a coded ChannelError on the channel when Subscribe is refused", async () => {
    fake.handle("Subscribe", () => {
      throw new Error("An unexpected error occurred invoking 'Subscribe' on the server. HubException: forbidden: no route matches private-x");
    });
    const client = createClient();
    const errors: ChannelError[] = [];
    const channel = client.private("x").error((e) => errors.push(e));

    await client.start();

    expect(channel.state).toBe("failed");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ChannelError);
    expect(errors[0]).toMatchObject({ code: "forbidden", detail: "no route matches private-x", channel: "private-x" });
  });

  it("applies SubscribeMany results per channel, failing only those with an error", async () => {
    fake.handle("SubscribeMany", (channels: string[]) =>
      channels.map((name) =>
        name === "private-secret" ? subscribeResult(name, { error: "forbidden: denied by route private-secret" }) : subscribeResult(name),
      ),
    );
    const client = createClient();
    const errors: ChannelError[] = [];
    const subscribed: string[] = [];
    const open = client.channel("room.1").subscribed((info) => subscribed.push(info.channel));
    const secret = client.private("secret").error((e) => errors.push(e)).subscribed((info) => subscribed.push(info.channel));

    await client.start();

    expect(open.state).toBe("subscribed");
    expect(secret.state).toBe("failed");
    expect(subscribed).toEqual(["room.1"]);
    expect(errors.map((e) => [e.code, e.detail, e.channel])).toEqual([["forbidden", "denied by route private-secret", "private-secret"]]);
  });

  it("fails every channel of a SubscribeMany that throws as a whole", async () => {
    fake.handle("SubscribeMany", () => {
      throw new Error("HubException: limit_exceeded: at most 100 subscriptions per connection");
    });
    const client = createClient();
    const codes: string[] = [];
    client.channel("a").error((e) => codes.push(e.code));
    client.channel("b").error((e) => codes.push(e.code));

    await client.start();

    expect(codes).toEqual(["limit_exceeded", "limit_exceeded"]);
  });

  it("warns when a channel fails and nobody listens for errors", async () => {
    fake.handle("Subscribe", () => {
      throw new Error("HubException: invalid_channel: bad name");
    });
    const client = createClient();
    client.channel("bad");

    await client.start();

    expect(logger.warnings).toEqual(["Channel bad: invalid_channel: bad name"]);
  });
});

describe("ChannelsClient event routing", () => {
  it("routes ChannelEvent to the channel's listeners by event name", async () => {
    const client = createClient();
    const shipped = vi.fn();
    const other = vi.fn();
    client.private("orders.42").listen("OrderShipped", shipped).listen("OrderPaid", other);
    await client.start();

    fake.send({ channel: "private-orders.42", event: "OrderShipped", data: { orderId: 42 }, timestamp: 1 });

    expect(shipped).toHaveBeenCalledWith({ orderId: 42 }, { channel: "private-orders.42", event: "OrderShipped", data: { orderId: 42 }, timestamp: 1 });
    expect(other).not.toHaveBeenCalled();
  });

  it("ignores events of channels it does not hold and malformed events", async () => {
    const client = createClient();
    const listener = vi.fn();
    client.channel("room.1").listen("message", listener);
    await client.start();

    fake.send({ channel: "room.2", event: "message" });
    fake.emit(null as never);

    expect(listener).not.toHaveBeenCalled();
    expect(logger.warnings).toEqual(["Ignored a malformed ChannelEvent."]);
  });

  it("normalizes null optional fields from the wire", async () => {
    const client = createClient();
    const listener = vi.fn();
    client.channel("room.1").listen("message", listener);
    await client.start();

    fake.send({ channel: "room.1", event: "message", data: "hi", offset: null, epoch: null, from: null } as never);

    expect(listener.mock.calls[0]![1]).toEqual({ channel: "room.1", event: "message", data: "hi", timestamp: expect.any(Number) });
  });
});

describe("ChannelsClient leave", () => {
  it("leaves the public, private and presence variants of a name, like Echo", async () => {
    const client = createClient();
    const listener = vi.fn();
    client.channel("chat.1").listen("message", listener);
    client.private("chat.1").listen("message", listener);
    client.join("chat.1").listen("message", listener);
    client.channel("chat.2");
    await client.start();

    await client.leave("chat.1");
    ["chat.1", "private-chat.1", "presence-chat.1"].forEach((channel) => fake.send({ channel, event: "message" }));

    expect(fake.calls("Unsubscribe").map((c) => c.args)).toEqual([["chat.1"], ["private-chat.1"], ["presence-chat.1"]]);
    expect(listener).not.toHaveBeenCalled();
  });

  it("leaves only the named channel when leave() gets a full name", async () => {
    const client = createClient();
    const privateChannel = client.private("chat.1");
    const presence = client.join("chat.1");
    const publicChannel = client.channel("chat.1");
    await client.start();

    await client.leave("private-chat.1");

    expect(privateChannel.state).toBe("left");
    expect([presence.state, publicChannel.state]).toEqual(["subscribed", "subscribed"]);
    expect(fake.calls("Unsubscribe").map((c) => c.args)).toEqual([["private-chat.1"]]);
  });

  it("leaves one channel by full name and gives a fresh channel when asked again", async () => {
    const client = createClient();
    const first = client.private("orders.42");
    await client.start();

    await client.leaveChannel("private-orders.42");

    expect(first.state).toBe("left");
    expect(fake.calls("Unsubscribe").map((c) => c.args)).toEqual([["private-orders.42"]]);
    expect(client.private("orders.42")).not.toBe(first);
  });

  it("does not call the server to leave while disconnected, nor resubscribe the channel later", async () => {
    const client = createClient();
    client.channel("room.1");

    await client.leaveChannel("room.1");
    await client.start();

    expect(fake.invocations).toEqual([]);
  });

  it("leaves every channel with leaveAll", async () => {
    const client = createClient();
    client.channel("a");
    client.private("b");
    await client.start();

    await client.leaveAll();

    expect(fake.calls("Unsubscribe").map((c) => c.args[0])).toEqual(["a", "private-b"]);
  });

  it("ignores a Subscribe answer that arrives after the channel was left", async () => {
    const answer = new Deferred<unknown>();
    fake.handle("Subscribe", () => answer.promise);
    const client = createClient();
    await client.start();
    const subscribed = vi.fn();
    const channel = client.channel("room.1").subscribed(subscribed);

    await client.leaveChannel("room.1");
    answer.resolve(subscribeResult("room.1"));
    await settle();

    expect(channel.state).toBe("left");
    expect(subscribed).not.toHaveBeenCalled();
  });
});

describe("ChannelsClient server-side removal", () => {
  it("marks the channel unsubscribed, tells the app and does not resubscribe it on reconnect", async () => {
    const client = createClient();
    const reasons: string[] = [];
    const errors: ChannelError[] = [];
    const listener = vi.fn();
    const channel = client
      .private("orders.42")
      .unsubscribed((reason) => reasons.push(reason))
      .error((e) => errors.push(e))
      .listen("OrderShipped", listener);
    await client.start();

    fake.send({ channel: "private-orders.42", event: "channel:unsubscribed", data: { reason: "forbidden: access revoked" } });
    fake.send({ channel: "private-orders.42", event: "OrderShipped", data: {} });
    fake.drop();
    fake.reconnect();
    await settle();

    expect(channel.state).toBe("unsubscribed");
    expect(reasons).toEqual(["forbidden: access revoked"]);
    expect(errors.map((e) => [e.code, e.detail])).toEqual([["forbidden", "access revoked"]]);
    expect(listener).not.toHaveBeenCalled();
    expect(fake.calls("Subscribe")).toHaveLength(1);
  });

  it("reports a free-text removal reason as not_subscribed", async () => {
    const client = createClient();
    const errors: ChannelError[] = [];
    client.channel("room.1").error((e) => errors.push(e));
    await client.start();

    fake.send({ channel: "room.1", event: "channel:unsubscribed", data: { reason: "removed by admin" } });

    expect(errors[0]).toMatchObject({ code: "not_subscribed", detail: "the server removed the subscription: removed by admin" });
  });

  it("subscribes again when the app asks for a removed channel", async () => {
    const client = createClient();
    const channel = client.channel("room.1");
    await client.start();
    fake.send({ channel: "room.1", event: "channel:unsubscribed", data: { reason: "removed" } });

    expect(client.channel("room.1")).toBe(channel);
    await settle();

    expect(fake.calls("Subscribe")).toHaveLength(2);
    expect(channel.state).toBe("subscribed");
  });
});

describe("ChannelsClient reconnection", () => {
  it("holds channels while reconnecting and resubscribes them all after SignalR reconnects", async () => {
    const client = createClient();
    const a = client.channel("a");
    const b = client.private("b");
    await client.start();
    const states: ConnectionState[] = [];
    client.onStateChange((s) => states.push(s));

    fake.drop();
    expect(a.state).toBe("subscribing");
    expect(b.state).toBe("subscribing");
    fake.reconnect();
    await settle();

    expect(states).toEqual(["reconnecting", "connected"]);
    expect(fake.calls("SubscribeMany")).toHaveLength(2);
    expect([a.state, b.state]).toEqual(["subscribed", "subscribed"]);
    expect(client.socketId()).toBe("conn-2");
  });

  it("retries channels that failed on the next reconnect (the server re-authorizes)", async () => {
    let allowed = false;
    fake.handle("Subscribe", (name: string) => {
      if (!allowed) {
        throw new Error("HubException: unavailable: presence store down");
      }
      return subscribeResult(name);
    });
    const client = createClient();
    const channel = client.private("orders.42");
    await client.start();
    expect(channel.state).toBe("failed");

    allowed = true;
    fake.drop();
    fake.reconnect();
    await settle();

    expect(channel.state).toBe("subscribed");
  });

  it("ignores a subscription answer from before the connection dropped", async () => {
    const first = new Deferred<unknown>();
    const answers = [first.promise, Promise.resolve(subscribeResult("room.1", { position: { offset: 9, epoch: "e1" } }))];
    fake.handle("Subscribe", () => answers.shift());
    const client = createClient();
    const infos: unknown[] = [];
    const channel = client.channel("room.1").subscribed((info) => infos.push(info));
    const started = client.start();
    await settle();

    fake.drop();
    fake.reconnect();
    await settle();
    first.resolve(subscribeResult("room.1", { position: { offset: 1, epoch: "e1" } }));
    await started;

    expect(infos).toHaveLength(1);
    expect(channel.position).toEqual({ offset: 9, epoch: "e1" });
  });

  it("restarts with backoff after the connection closes for good, until it succeeds", async () => {
    vi.useFakeTimers();
    const client = createClient({ reconnect: { delaysMs: [1_000, 5_000], jitter: 0 } });
    const channel = client.channel("room.1");
    await client.start();

    fake.startFailures = 2;
    fake.close();
    expect(client.state).toBe("reconnecting");
    expect(channel.state).toBe("subscribing");

    await vi.advanceTimersByTimeAsync(999);
    expect(fake.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.starts).toBe(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.starts).toBe(3);
    expect(client.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(5_000);

    expect(fake.starts).toBe(4);
    expect(client.state).toBe("connected");
    expect(channel.state).toBe("subscribed");
    expect(fake.calls("Subscribe")).toHaveLength(2);
  });

  it("gives up when a custom retry policy says so", async () => {
    vi.useFakeTimers();
    const client = createClient({ reconnect: { nextRetryDelayInMilliseconds: (c) => (c.previousRetryCount < 1 ? 10 : null) } });
    await client.start();

    fake.startFailures = 5;
    fake.close();
    await vi.advanceTimersByTimeAsync(10);

    expect(fake.starts).toBe(2);
    expect(client.state).toBe("disconnected");
  });

  it("stays disconnected after a close when reconnect is false", async () => {
    vi.useFakeTimers();
    const client = createClient({ reconnect: false });
    await client.start();

    fake.close();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(client.state).toBe("disconnected");
    expect(fake.starts).toBe(1);
  });

  it("does not restart after disconnect(), and start() later resumes the channels", async () => {
    vi.useFakeTimers();
    fake.handle("Subscribe", (name: string) => subscribeResult(name, { position: { offset: 3, epoch: "e1" } }));
    const client = createClient();
    const channel = client.channel("room.1");
    await client.start();

    await client.disconnect();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.state).toBe("disconnected");
    expect(fake.starts).toBe(1);
    expect(channel.state).toBe("subscribing");

    await client.start();

    expect(fake.calls("Subscribe").map((c) => c.args)).toEqual([
      ["room.1", null],
      ["room.1", { since: { offset: 3, epoch: "e1" } }],
    ]);
  });

  it("stops a pending restart when disconnect() is called", async () => {
    vi.useFakeTimers();
    const client = createClient();
    await client.start();

    fake.close();
    await client.disconnect();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(fake.starts).toBe(1);
    expect(client.state).toBe("disconnected");
  });
});

describe("package exports", () => {
  it("re-exports SignalR's LogLevel so apps need not import @microsoft/signalr", async () => {
    const signalr = await import("@microsoft/signalr");
    const index = await import("../src/index.js");

    expect(index.LogLevel).toBe(signalr.LogLevel);
    expect(index.LogLevel.Information).toBe(2);
  });
});

describe("ChannelsClient heartbeats", () => {
  it("beats on connect and every interval, and reports the measured round trip on the next beat", async () => {
    vi.useFakeTimers();
    fake.handle("Heartbeat", () => {
      vi.advanceTimersByTime(25); // the server takes 25 ms to answer
      return Date.now();
    });
    const client = createClient({ heartbeatIntervalMs: 10_000 });

    await client.start();
    await settle();
    expect(fake.heartbeats.map((h) => h.args)).toEqual([[null]]);
    expect(client.roundTripMs()).toBe(25);

    await vi.advanceTimersByTimeAsync(10_000);

    expect(fake.heartbeats.map((h) => h.args)).toEqual([[null], [25]]);
  });

  it("beats by default", async () => {
    const client = createClient();

    await client.start();

    expect(fake.heartbeats).toHaveLength(1);
  });

  it("does not beat with heartbeatIntervalMs: false, and rejects intervals under 100 ms", async () => {
    const client = createClient({ heartbeatIntervalMs: false });

    await client.start();
    await settle();

    expect(fake.heartbeats).toEqual([]);
    expect(client.roundTripMs()).toBeUndefined();
    expect(() => createClient({ heartbeatIntervalMs: 10 })).toThrow(RangeError);
  });

  it("stops asking a server that refuses Heartbeat, for that connection", async () => {
    vi.useFakeTimers();
    fake.handle("Heartbeat", () => Promise.reject(new Error("Unknown hub method 'Heartbeat'")));
    const client = createClient({ heartbeatIntervalMs: 1_000 });

    await client.start();
    await vi.advanceTimersByTimeAsync(30_000);

    expect(fake.heartbeats).toHaveLength(1);
    expect(client.state).toBe("connected");
    expect(client.roundTripMs()).toBeUndefined();
  });

  it("stops beating on disconnect() and while reconnecting, and starts again on reconnect", async () => {
    vi.useFakeTimers();
    const client = createClient({ heartbeatIntervalMs: 1_000 });
    await client.start();
    await settle();

    fake.drop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.heartbeats).toHaveLength(1);

    fake.reconnect();
    await settle();
    expect(fake.heartbeats).toHaveLength(2);

    await client.disconnect();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.heartbeats).toHaveLength(2);
  });
});
