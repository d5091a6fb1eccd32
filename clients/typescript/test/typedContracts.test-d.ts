import { describe, expectTypeOf, it } from "vitest";
import { ChannelsClient, NullConnection, type PresenceMember } from "../src/index.js";
// The generator's expected output for the C# shapes of tests/SignalRChannels.TypeScript.Tests, type-checked here
// against the client's sources: if the generator's output stops compiling, or stops typing, this file fails tsc.
import { channels, OrderState, type Money, type Shopper } from "../../../tests/SignalRChannels.TypeScript.Tests/Expected/shapes.js";

const client = new ChannelsClient({ connection: new NullConnection() });

describe("generated typed channels", () => {
  it("type a private channel's events from its name", () => {
    client.private(channels.orderChannel(42)).listen("OrderShipped", (e) => {
      expectTypeOf(e.orderId).toEqualTypeOf<number>();
      expectTypeOf(e.state).toEqualTypeOf<OrderState>();
      expectTypeOf(e.previousState).toEqualTypeOf<OrderState | null>();
      expectTypeOf(e.lines[0]!.price).toEqualTypeOf<Money>();
      expectTypeOf(e.tags).toEqualTypeOf<(string | null)[]>();
      expectTypeOf(e.parcel.tracking_code).toEqualTypeOf<string | null>();
      expectTypeOf(e.extra).toEqualTypeOf<unknown>();
    });
    client.private(channels.orderChannel(42)).listen("order.cancelled", (e) => expectTypeOf(e.reason).toEqualTypeOf<string>());
    // @ts-expect-error: not an event of this channel
    client.private(channels.orderChannel(42)).listen("OrderShippedd", () => {});
    // @ts-expect-error: not a field of the payload
    client.private(channels.orderChannel(42)).listen("OrderShipped", (e) => e.orderIdd);
  });

  it("type a presence channel's members and whispers", () => {
    const aisle = client.join(channels.aisleChannel("s1", 3));
    aisle.here((members) => expectTypeOf(members).toEqualTypeOf<readonly PresenceMember<Shopper>[]>());
    aisle.listenForWhisper("cursorMoved", (c) => expectTypeOf(c.x).toEqualTypeOf<number>());
    aisle.listen("Announcement", (a) => expectTypeOf(a.text).toEqualTypeOf<string>());
    // @ts-expect-error: not a whisper of this channel
    aisle.listenForWhisper("typing", () => {});
  });

  it("check helper arguments", () => {
    // @ts-expect-error: orderId is a number
    channels.orderChannel("42");
    client.channel(channels.newsChannel()).listen("headline", (a) => expectTypeOf(a.text).toEqualTypeOf<string>());
    expectTypeOf(channels.orderChannel(42)).toMatchTypeOf<string>();
  });

  it("leave plain names untyped, as before", () => {
    client.private("orders.1").listen("anything", (d) => expectTypeOf(d).toEqualTypeOf<any>());
    client.join<{ message: { text: string } }>("chat.1").listen("message", (m) => expectTypeOf(m.text).toEqualTypeOf<string>());
  });
});
