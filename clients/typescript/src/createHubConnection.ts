import {
  HttpTransportType,
  HubConnectionBuilder,
  JsonHubProtocol,
  type HubConnection,
  type IHttpConnectionOptions,
  type IHubProtocol,
  type IRetryPolicy,
} from "@microsoft/signalr";
import type { ChannelsClientOptions, TransportName } from "./ChannelsClientOptions.js";

const transportFlags: Readonly<Record<TransportName, HttpTransportType>> = {
  webSockets: HttpTransportType.WebSockets,
  serverSentEvents: HttpTransportType.ServerSentEvents,
  longPolling: HttpTransportType.LongPolling,
};

function transportOf(transport: ChannelsClientOptions["transport"]): HttpTransportType {
  if (transport === undefined) {
    return HttpTransportType.WebSockets;
  }
  if (typeof transport === "number") {
    return transport;
  }
  const names: readonly TransportName[] = typeof transport === "string" ? [transport] : transport;
  return names.reduce<number>((flags, name) => flags | transportFlags[name], HttpTransportType.None);
}

async function protocolOf(protocol: ChannelsClientOptions["protocol"]): Promise<IHubProtocol> {
  if (protocol === undefined || protocol === "json") {
    return new JsonHubProtocol();
  }
  if (protocol === "messagepack") {
    // Loaded on demand so apps using JSON need not install the optional peer.
    const { MessagePackHubProtocol } = await import("@microsoft/signalr-protocol-msgpack");
    return new MessagePackHubProtocol();
  }
  return protocol;
}

/** Builds the production connection: WebSockets without negotiation unless told otherwise. */
export async function createHubConnection(
  options: ChannelsClientOptions & { readonly url: string },
  retryPolicy: IRetryPolicy | undefined,
): Promise<HubConnection> {
  const transport = transportOf(options.transport);
  const http: IHttpConnectionOptions = {
    transport,
    skipNegotiation: options.skipNegotiation ?? transport === HttpTransportType.WebSockets,
    ...(options.accessTokenFactory !== undefined && { accessTokenFactory: options.accessTokenFactory }),
    ...(options.headers !== undefined && { headers: { ...options.headers } }),
    ...(options.withCredentials !== undefined && { withCredentials: options.withCredentials }),
  };
  let builder = new HubConnectionBuilder()
    .withUrl(options.url, http)
    .withHubProtocol(await protocolOf(options.protocol));
  if (retryPolicy !== undefined) {
    builder = builder.withAutomaticReconnect(retryPolicy);
  }
  if (options.logger !== undefined) {
    builder = builder.configureLogging(options.logger);
  }
  const connection = builder.build();
  if (options.serverTimeoutMs !== undefined) {
    connection.serverTimeoutInMilliseconds = options.serverTimeoutMs;
  }
  if (options.keepAliveIntervalMs !== undefined) {
    connection.keepAliveIntervalInMilliseconds = options.keepAliveIntervalMs;
  }
  return connection;
}
