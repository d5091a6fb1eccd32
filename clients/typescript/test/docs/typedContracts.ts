// Examples quoted by docs/concepts/typed-contracts.md, type-checked against the generator's output for the C# shapes
// of tests/SignalRChannels.TypeScript.Tests (which declare the same channels as the page's C# example).
import { ChannelsClient } from "@signalr-channels/client";
import { channels, contracts } from "../../../../tests/SignalRChannels.TypeScript.Tests/Expected/shapes.js";

export function typedChannels(): void {
  // #region typed-usage
  const client = new ChannelsClient({
    url: "/hubs/shop",
    // Development only: drop (and report) incoming payloads that do not match the generated contracts.
    validatePayloads: { contracts, onInvalid: (p) => console.error(`${p.channel} ${p.event}: ${p.problem}`) },
  });

  client
    .private(channels.orderChannel(42))
    .listen("OrderShipped", (e) => console.log(e.orderId, e.shippedAt, e.state))
    .listen("order.cancelled", (e) => console.log(e.reason));

  const aisle = client
    .join(channels.aisleChannel("s1", 3))
    .here((members) => console.log(members.map((m) => m.info.name)))
    .listenForWhisper("cursorMoved", (c) => console.log(c.x, c.y));
  void aisle.whisper("cursorMoved", { x: 10, y: 20 });
  // #endregion
}
