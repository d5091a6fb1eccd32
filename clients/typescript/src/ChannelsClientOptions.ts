import type { HttpTransportType, IHubProtocol, ILogger, IRetryPolicy, LogLevel } from "@microsoft/signalr";
import type { BackoffOptions } from "./BackoffRetryPolicy.js";
import type { ChannelsConnection } from "./ChannelsConnection.js";
import type { ChannelContracts, PayloadProblem } from "./contracts.js";

export type TransportName = "webSockets" | "serverSentEvents" | "longPolling";

/** Options of `ChannelsClient`. Only `url` (or `connection`) is required. */
export interface ChannelsClientOptions {
  /**
   * The hub URL. In a browser it may be relative to the page (`/hubs/chat`); elsewhere (Node) it must be
   * absolute (`http://localhost:5000/hubs/chat`), and a relative one throws a `TypeError`. Required unless
   * `connection` is given.
   */
  readonly url?: string;
  /** The hub protocol. `messagepack` needs the optional peer `@microsoft/signalr-protocol-msgpack`. The default is `json`. */
  readonly protocol?: "json" | "messagepack" | IHubProtocol;
  /** Transports to use, by name or as SignalR's `HttpTransportType` flags. The default is WebSockets only. */
  readonly transport?: TransportName | readonly TransportName[] | HttpTransportType;
  /**
   * Skip the negotiate request (WebSockets only; no sticky sessions needed). The default is true when the
   * transport is WebSockets alone. Note that SignalR learns the connection id from negotiation, so
   * `socketId()` is undefined while negotiation is skipped.
   */
  readonly skipNegotiation?: boolean;
  readonly accessTokenFactory?: () => string | Promise<string>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly withCredentials?: boolean;
  /**
   * Reconnection: backoff options, any SignalR `IRetryPolicy`, or false to stay disconnected when the
   * connection drops. The default retries forever with jittered delays of up to 10 seconds.
   */
  readonly reconnect?: false | BackoffOptions | IRetryPolicy;
  /** A SignalR logger or minimum log level. Listener exceptions are logged here (else to the console). */
  readonly logger?: ILogger | LogLevel;
  readonly serverTimeoutMs?: number;
  readonly keepAliveIntervalMs?: number;
  /**
   * How long an event that arrives ahead of a missing offset waits for the missing ones before they
   * are fetched from history. The default is 200 ms.
   */
  readonly reorderWindowMs?: number;
  /** Out-of-order events held per channel before history is asked at once. The default is 1000. */
  readonly maxBufferedEvents?: number;
  /** Channels per `SubscribeMany` call when (re)subscribing in bulk. The default is 50. */
  readonly subscribeBatchSize?: number;
  /**
   * How often the client calls the server's optional `Heartbeat` method, which measures the round-trip time
   * (`roundTripMs()`, reported to the server's RTT metric on the next beat) and tells the server the connection is
   * alive. The first beat runs right after each connect; `false` turns heartbeats off (transport liveness is
   * SignalR's keep-alive either way). The default is 15000.
   */
  readonly heartbeatIntervalMs?: number | false;
  /**
   * Opt-in payload validation (meant for development): incoming events of typed channels are checked against the
   * generated `contracts` (`SignalRChannels.TypeScript`); one that does not match, or that its channel does not declare,
   * is not delivered and is reported to `onInvalid` (by default logged as an error). Off by default.
   */
  readonly validatePayloads?: { readonly contracts: ChannelContracts; readonly onInvalid?: (problem: PayloadProblem) => void };
  /** Use this connection instead of building a `HubConnection` (tests, custom setups). */
  readonly connection?: ChannelsConnection;
}
