// An external channel auth endpoint (auth A), as an existing Laravel app sharing the app secret would be: it signs
// with the official pusher server SDK and never talks to the channels server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type PusherServer from "pusher";

export interface ExternalAuth {
  readonly url: string;
  close(): Promise<void>;
}

/** Signs every private channel, and presence channels as user `presence.user_id` with `presence.user_info`. */
export async function startExternalAuth(signer: PusherServer, presence: { user_id: string; user_info?: Record<string, unknown> }): Promise<ExternalAuth> {
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const form = new URLSearchParams(body);
      const socketId = form.get("socket_id") ?? "";
      const channel = form.get("channel_name") ?? "";
      const signed = channel.startsWith("presence-")
        ? signer.authorizeChannel(socketId, channel, presence)
        : signer.authorizeChannel(socketId, channel);
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(signed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/broadcasting/auth`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
