// Examples quoted by docs/clients/typescript.md. Type-checked by `npm test` (tsconfig.typetests.json), and
// test/docs.test.ts checks that the page quotes each region verbatim, so the docs cannot rot.
import { ChannelError, ChannelsClient, NullConnection, type PresenceMember } from "../../src/index.js";

declare function render(members: readonly PresenceMember<Member>[]): void;
declare function show(text: string, at: number): void;
declare function reloadMessages(): void;
declare const token: string;

interface Member {
  name: string;
}

// #region events
interface OrderEvents {
  OrderShipped: { orderId: number; carrier: string };
  OrderCancelled: { orderId: number; reason: string };
}
interface ChatEvents {
  message: { id: string; user: string; text: string };
}
interface ChatWhispers {
  typing: { name: string };
}
// #endregion

export async function usage(): Promise<void> {
  // #region connect
  const client = new ChannelsClient({
    url: "/hubs/chat",
    accessTokenFactory: () => token,
    protocol: "json", // or "messagepack" with @microsoft/signalr-protocol-msgpack installed
  });
  client.onStateChange((state) => console.log("connection", state));
  await client.start();
  // #endregion

  // #region private
  client
    .private<OrderEvents>("orders.42") // subscribes private-orders.42
    .listen("OrderShipped", (e) => console.log(`order ${e.orderId} shipped by ${e.carrier}`))
    .error((error: ChannelError) => {
      if (error.code === "forbidden") {
        console.warn("not your order");
      }
    });
  // #endregion

  // #region presence
  const room = client
    .join<ChatEvents, Member, ChatWhispers>("chat.lobby") // presence-chat.lobby
    .here((members) => render(members))
    .joining((member) => console.log(`${member.info.name} joined`))
    .leaving((member, reason) => console.log(`${member.info.name} left (${reason})`))
    .listen("message", (message, envelope) => show(message.text, envelope.timestamp))
    .listenForWhisper("typing", (typing, from) => console.log(`${typing.name} (${from}) is typing`))
    .onGap(() => reloadMessages()); // history could not fill a hole: refetch

  await room.whisper("typing", { name: "Ada" });
  const recent = await room.history({ limit: 50, reverse: true });
  console.log(`${recent.events.length} recent messages, stream at offset ${recent.position?.offset}`);
  // #endregion

  // #region to-others
  // Send the socket id with your own requests; the server leaves this connection out (toOthers).
  await fetch("/orders/42/ship", {
    method: "POST",
    headers: { "X-Socket-ID": client.socketId() ?? "" },
  });
  // #endregion

  // #region leave
  await client.leave("chat.lobby"); // leaves chat.lobby, private-chat.lobby and presence-chat.lobby
  await client.disconnect();
  // #endregion
}

export async function testing(): Promise<void> {
  // #region null-connection
  const connection = new NullConnection();
  const client = new ChannelsClient({ connection });
  const received: string[] = [];
  client.channel<ChatEvents>("room.1").listen("message", (m) => received.push(m.text));
  await client.start();
  connection.emit({ channel: "room.1", event: "message", data: { id: "1", user: "Ada", text: "hi" }, timestamp: Date.now() });
  // #endregion
}
