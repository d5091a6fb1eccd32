// Clients of the Pusher endpoint made from the real npm packages: pusher-js, laravel-echo and the pusher server SDK,
// plus a raw WebSocket for protocol details no client library exposes.
import Echo from "laravel-echo";
import PusherJsModule from "pusher-js";
import PusherServer from "pusher";
import WebSocket from "ws";
import { Recorder, within } from "../../../../clients/typescript/test/integration/support/harness.js";

export { Recorder, within };

// pusher-js is CommonJS: from ESM its constructor is the module's `default`.
type PusherJs = typeof PusherJsModule.default;
export const PusherJs: PusherJs = (PusherJsModule as unknown as { default?: PusherJs }).default ?? (PusherJsModule as unknown as PusherJs);
export type PusherClient = InstanceType<PusherJs>;

export const app = { id: "1", key: "test-key", secret: "test-secret" } as const;
export const secondApp = { id: "2", key: "second-key", secret: "second-secret" } as const;

export interface User {
  readonly id: string;
  readonly name: string;
}

const live = new Set<{ disconnect(): void }>();

/** Disconnects every client made here (call in afterEach). */
export function disconnectAll(): void {
  for (const client of live) {
    client.disconnect();
  }
  live.clear();
}

function hostAndPort(url: string): { wsHost: string; wsPort: number } {
  const parsed = new URL(url);
  return { wsHost: parsed.hostname, wsPort: Number(parsed.port) };
}

export interface PusherOptions {
  readonly user?: User;
  /** An external channel auth endpoint (auth A); by default the server's own /broadcasting/auth (auth B). */
  readonly authEndpoint?: string;
  readonly key?: string;
}

/** A pusher-js client connected to the node at `url`. */
export async function connectPusher(url: string, options: PusherOptions = {}): Promise<PusherClient> {
  const pusher = new PusherJs(options.key ?? app.key, {
    cluster: "local",
    ...hostAndPort(url),
    forceTLS: false,
    enabledTransports: ["ws"],
    disableStats: true,
    channelAuthorization: {
      endpoint: options.authEndpoint ?? `${url}/broadcasting/auth`,
      transport: "ajax",
      headers: options.user === undefined ? {} : { Authorization: `Bearer ${options.user.id};${options.user.name}` },
    },
  });
  live.add(pusher);
  await connected(pusher);
  return pusher;
}

/** Resolves once the client is connected (at once if it is). */
export function connected(pusher: PusherClient): Promise<void> {
  if (pusher.connection.state === "connected") {
    return Promise.resolve();
  }
  return within(
    new Promise<void>((resolve) => pusher.connection.bind("connected", () => resolve())),
    `pusher-js connected (state ${pusher.connection.state})`,
  );
}

/** A laravel-echo client (broadcaster "reverb", as a Laravel app configures it) on the node at `url`. */
export async function connectEcho(url: string, options: PusherOptions = {}): Promise<Echo<"reverb">> {
  const echo = new Echo({
    broadcaster: "reverb",
    key: options.key ?? app.key,
    ...hostAndPort(url),
    forceTLS: false,
    enabledTransports: ["ws"],
    authEndpoint: options.authEndpoint ?? `${url}/broadcasting/auth`,
    // A fresh auth object per instance: Echo writes `bearerToken` into a headers object all instances share.
    auth: { headers: options.user === undefined ? {} : { Authorization: `Bearer ${options.user.id};${options.user.name}` } },
    Pusher: PusherJs as never,
  });
  live.add(echo);
  await connected(echo.connector.pusher as PusherClient);
  return echo;
}

/** The Pusher server SDK for the node at `url` (signs HTTP API requests and channel auth). */
export function serverSdk(url: string, credentials: { id: string; key: string; secret: string } = app): PusherServer {
  const parsed = new URL(url);
  return new PusherServer({
    appId: credentials.id,
    key: credentials.key,
    secret: credentials.secret,
    host: parsed.hostname,
    port: parsed.port,
    useTLS: false,
  });
}

export interface Frame {
  readonly event: string;
  readonly channel?: string;
  readonly data: unknown;
  readonly user_id?: string;
}

/** A bare WebSocket speaking Pusher protocol 7, recording every frame (data decoded once more, as pusher-js does). */
export class RawSocket {
  readonly frames = new Recorder<Frame>();
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (raw) => {
      const message = JSON.parse(raw.toString()) as { event: string; channel?: string; data: unknown; user_id?: string };
      this.frames.add({ ...message, data: typeof message.data === "string" ? tryParse(message.data) : message.data });
    });
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, key: string = app.key, query = "protocol=7&client=js&version=8.6.0"): RawSocket {
    const socket = new RawSocket(new WebSocket(`${url.replace("http", "ws")}/app/${key}?${query}`));
    live.add({ disconnect: () => socket.ws.close() });
    return socket;
  }

  send(event: string, data: unknown, channel?: string): void {
    this.ws.send(JSON.stringify(channel === undefined ? { event, data } : { event, data, channel }));
  }

  /** The socket id from pusher:connection_established. */
  async socketId(): Promise<string> {
    const frame = await this.next("pusher:connection_established");
    return (frame.data as { socket_id: string }).socket_id;
  }

  /** The first frame (already received or to come) named `event`, optionally on `channel`. */
  async next(event: string, channel?: string): Promise<Frame> {
    const items = await this.frames.until(
      (frames) => frames.some((f) => f.event === event && (channel === undefined || f.channel === channel)),
      `frame ${event}${channel === undefined ? "" : ` on ${channel}`}`,
    );
    return items.find((f) => f.event === event && (channel === undefined || f.channel === channel))!;
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
