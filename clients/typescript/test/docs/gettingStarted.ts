// Client examples quoted by docs/getting-started.md. Type-checked by `npm test`, quoted verbatim (test/docs.test.ts).
import type { ChannelsClient as Client } from "@signalr-channels/client";

declare function getToken(): Promise<string>;

export async function browser(): Promise<Client> {
  // #region browser-client
  const client = new ChannelsClient({
    url: "/hubs/chat",
    // Cookie sign-in needs nothing here. With bearer tokens (JWT), give the client a token factory: SignalR sends
    // the token as the Authorization header, or as ?access_token= on WebSockets and Server-Sent Events.
    accessTokenFactory: () => getToken(),
  });
  client.private<OrderEvents>("orders.42").listen("OrderShipped", (e) => console.log("shipped", e.orderId));
  await client.start();

  // Your own requests carry the socket id, so the server can leave this connection out (toOthers).
  await fetch("/orders/42/ship", { method: "POST", headers: { "X-Socket-ID": client.socketId() ?? "" } });
  // #endregion
  return client;
}

// #region node-client
import { ChannelsClient, LogLevel } from "@signalr-channels/client";

interface OrderEvents { OrderShipped: { orderId: number } }

// Node has no page to resolve "/hubs/chat" against: give the absolute URL.
const base = "http://localhost:5000";
const login = await fetch(`${base}/login?name=ada`, { method: "POST" });
const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

const client = new ChannelsClient({ url: `${base}/hubs/chat`, headers: { Cookie: cookie }, logger: LogLevel.Warning });
client.private<OrderEvents>("orders.42").listen("OrderShipped", (e) => console.log("shipped", e.orderId));
await client.start();

await fetch(`${base}/orders/42/ship`, { method: "POST", headers: { Cookie: cookie } });
// #endregion

export { client };
