import type { LogLevel as SignalRLogLevel } from "@microsoft/signalr";
import { describe, expectTypeOf, it } from "vitest";
import {
  Channel,
  ChannelError,
  ChannelsClient,
  LogLevel,
  NullConnection,
  PresenceChannel,
  PrivateChannel,
  type ChannelErrorCode,
  type ChannelEvent,
  type ChannelEventOf,
  type GapInfo,
  type MemberLeftReason,
  type PresenceMember,
} from "../src/index.js";

interface OrderEvents {
  OrderShipped: { orderId: number };
  OrderCancelled: { orderId: number; reason: string };
}

type ChatEvents = {
  message: { text: string };
};

interface Member {
  name: string;
}

interface ChatWhispers {
  typing: { name: string };
}

const client = new ChannelsClient({ connection: new NullConnection() });

describe("typed channels", () => {
  it("types listeners from the event map", () => {
    client.private<OrderEvents>("orders.42").listen("OrderShipped", (e, envelope) => {
      expectTypeOf(e).toEqualTypeOf<{ orderId: number }>();
      expectTypeOf(e.orderId).toBeNumber();
      expectTypeOf(envelope).toEqualTypeOf<ChannelEvent<{ orderId: number }, "OrderShipped">>();
      expectTypeOf(envelope.offset).toEqualTypeOf<number | undefined>();
    });
  });

  it("rejects wrong event names and payload fields", () => {
    // @ts-expect-error: no such event
    client.private<OrderEvents>("orders.42").listen("OrderShiped", () => {});
    // @ts-expect-error: no such field
    client.private<OrderEvents>("orders.42").listen("OrderShipped", (e) => e.orderID);
    // @ts-expect-error: wrong payload type
    client.channel<OrderEvents>("orders").listen("OrderShipped", (e: { orderId: string }) => e);
    // @ts-expect-error: stopListening is typed too
    client.channel<OrderEvents>("orders").stopListening("Nope");
    // @ts-expect-error: the event filter names events of the map (or client- whispers)
    client.channel<OrderEvents>("orders", { events: ["OrderShiped"] });
    client.channel<OrderEvents>("orders", { events: ["OrderShipped", "client-typing"] });
  });

  it("returns the concrete channel type from each method so calls chain", () => {
    expectTypeOf(client.channel<OrderEvents>("orders")).toEqualTypeOf<Channel<OrderEvents>>();
    expectTypeOf(client.private<OrderEvents, ChatWhispers>("orders.1")).toEqualTypeOf<PrivateChannel<OrderEvents, ChatWhispers>>();
    expectTypeOf(client.join<ChatEvents, Member, ChatWhispers>("chat.1")).toEqualTypeOf<PresenceChannel<ChatEvents, Member, ChatWhispers>>();
    expectTypeOf(client.private<OrderEvents>("orders.1").listen("OrderShipped", () => {}).error(() => {})).toEqualTypeOf<
      PrivateChannel<OrderEvents>
    >();
  });

  it("stays loose when no map is given", () => {
    client.channel("room.1").listen("anything", (data) => {
      expectTypeOf(data).toBeAny();
    });
  });

  it("types history and listenToAll as a union of the map's envelopes", async () => {
    const result = await client.channel<OrderEvents>("orders").history();
    expectTypeOf(result.events[0]!).toEqualTypeOf<ChannelEventOf<OrderEvents>>();
    const first = result.events[0]!;
    if (first.event === "OrderCancelled") {
      expectTypeOf(first.data.reason).toBeString();
    }
  });
});

describe("whispers", () => {
  it("types whisper and listenForWhisper from the whisper map", () => {
    const chat = client.join<ChatEvents, Member, ChatWhispers>("chat.1");
    expectTypeOf(chat.whisper("typing", { name: "Ada" })).toEqualTypeOf<Promise<void>>();
    chat.listenForWhisper("typing", (data, from) => {
      expectTypeOf(data).toEqualTypeOf<{ name: string }>();
      expectTypeOf(from).toEqualTypeOf<string | undefined>();
    });
    // @ts-expect-error: no such whisper
    void chat.whisper("typng", { name: "Ada" });
    // @ts-expect-error: wrong whisper payload
    void chat.whisper("typing", { nam: "Ada" });
    // @ts-expect-error: no such whisper to listen for
    chat.listenForWhisper("typng", () => {});
  });

  it("has no whisper on public channels", () => {
    // @ts-expect-error: whispers need a private or presence channel
    void client.channel<ChatEvents>("room.1").whisper("typing", {});
    // @ts-expect-error: whispers need a private or presence channel
    client.channel<ChatEvents>("room.1").listenForWhisper("typing", () => {});
  });
});

describe("presence", () => {
  it("types members from the member info type", () => {
    const chat = client.join<ChatEvents, Member>("chat.1");
    expectTypeOf(chat.members).toEqualTypeOf<readonly PresenceMember<Member>[]>();
    chat
      .here((members) => expectTypeOf(members[0]!.info.name).toBeString())
      .joining((member) => expectTypeOf(member.info).toEqualTypeOf<Member>())
      .leaving((member, reason) => {
        expectTypeOf(member.id).toBeString();
        expectTypeOf(reason).toEqualTypeOf<MemberLeftReason>();
      });
    // @ts-expect-error: no such member info field
    chat.joining((member) => member.info.nmae);
    // @ts-expect-error: leaving reasons are a closed set
    chat.leaving((_member, reason) => reason === "kicked");
  });

  it("has no presence methods on private channels", () => {
    // @ts-expect-error: here needs a presence channel
    client.private("orders.1").here(() => {});
  });
});

describe("errors, gaps and state", () => {
  it("types the error code as a closed union", () => {
    client.channel("room.1").error((error) => {
      expectTypeOf(error).toEqualTypeOf<ChannelError>();
      expectTypeOf(error.code).toEqualTypeOf<ChannelErrorCode>();
      // @ts-expect-error: not a protocol code
      void (error.code === "denied");
    });
    client.channel("room.1").onGap((gap) => expectTypeOf(gap).toEqualTypeOf<GapInfo>());
  });

  it("types the connection state", () => {
    expectTypeOf(client.state).toEqualTypeOf<"connecting" | "connected" | "reconnecting" | "disconnected">();
    expectTypeOf(client.socketId()).toEqualTypeOf<string | undefined>();
    expectTypeOf<typeof LogLevel>().toEqualTypeOf<typeof SignalRLogLevel>();
  });
});
