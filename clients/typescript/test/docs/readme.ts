// The client example quoted by README.md (region readme-client). Type-checked by `npm test`
// (tsconfig.typetests.json maps the package name to src/), quoted verbatim (test/docs.test.ts).
// #region readme-client
import { ChannelsClient } from "@signalr-channels/client";

interface OrderEvents { OrderShipped: { orderId: number } }
interface ChatEvents { message: { text: string } }
interface Member { name: string }

const client = new ChannelsClient({ url: "/hubs/chat" });
client.private<OrderEvents>("orders.42").listen("OrderShipped", (e) => console.log("shipped", e.orderId));
const chat = client.join<ChatEvents, Member>("chat.1")
  .here((members) => console.log("here:", members.map((m) => m.info.name)))
  .joining((m) => console.log(`${m.info.name} joined`))
  .listen("message", (m) => console.log(m.text));
await client.start();

await client.invoke("SendMessage", "1", "hello");
const { events } = await chat.history({ limit: 50, reverse: true });
// #endregion

export { events };
