import { LogLevel, type ILogger, type IRetryPolicy } from "@microsoft/signalr";
import { BackoffRetryPolicy } from "./BackoffRetryPolicy.js";
import { Channel, type SubscribeRequest } from "./Channel.js";
import { ChannelError } from "./ChannelError.js";
import type { ChannelHost } from "./ChannelHost.js";
import type { ChannelsClientOptions } from "./ChannelsClientOptions.js";
import type { ChannelsConnection } from "./ChannelsConnection.js";
import { createHubConnection } from "./createHubConnection.js";
import { PresenceChannel } from "./PresenceChannel.js";
import { PrivateChannel } from "./PrivateChannel.js";
import { ChannelPrefixes, ClientMethod, HubMethods, normalizeEvent, type ChannelEvent, type SubscribeResult } from "./protocol.js";
import type { AnyEvents, ConnectionState, EventMap, SubscribeOptions } from "./typing.js";
import { PayloadValidator, type PayloadProblem, type TypedChannelName } from "./contracts.js";

type StateListener = (state: ConnectionState, previous: ConnectionState) => void;

/**
 * The entry point, in the shape of Laravel Echo: `channel`, `private` and `join` hand out channels
 * that stay subscribed (re-authorized, with missed events recovered) across reconnects until left.
 *
 * ```ts
 * const client = new ChannelsClient({ url: "/hubs/chat" });
 * client.private<OrderEvents>("orders.42").listen("OrderShipped", (e) => console.log(e.orderId));
 * await client.start();
 * ```
 */
export class ChannelsClient {
  private readonly channels = new Map<string, Channel<any>>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly retryPolicy: IRetryPolicy | undefined;
  private readonly logger: ILogger | undefined;
  private readonly consoleLevel: LogLevel;
  private readonly host: ChannelHost;
  private readonly batchSize: number;
  private connection: ChannelsConnection | undefined;
  private currentState: ConnectionState = "disconnected";
  private starting: Promise<void> | undefined;
  private stopRequested = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private restartAttempt = 0;
  private restartSince = 0;
  private serverSocketId: string | undefined;
  private readonly heartbeatIntervalMs: number | undefined;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatGeneration = 0;
  private lastRoundTripMs: number | undefined;
  private readonly validator: PayloadValidator | undefined;
  private readonly onInvalidPayload: ((problem: PayloadProblem) => void) | undefined;

  constructor(private readonly options: ChannelsClientOptions) {
    if (options.connection === undefined && (typeof options.url !== "string" || options.url.length === 0)) {
      throw new TypeError("ChannelsClient needs a hub url (or a connection).");
    }
    if (options.connection === undefined && !isAbsoluteUrl(options.url!) && !hasPageLocation()) {
      // SignalR resolves a relative URL against the page; outside a browser there is none, and it would fail later, obscurely.
      throw new TypeError(
        `ChannelsClient: the hub url '${options.url}' is relative, and there is no page to resolve it against outside a browser; ` +
          "pass an absolute URL such as 'http://localhost:5000/hubs/chat'.",
      );
    }
    this.retryPolicy = retryPolicyOf(options.reconnect);
    this.logger = typeof options.logger === "object" ? options.logger : undefined;
    this.consoleLevel = typeof options.logger === "number" ? options.logger : LogLevel.Warning;
    this.batchSize = Math.max(1, options.subscribeBatchSize ?? 50);
    const heartbeat = options.heartbeatIntervalMs ?? 15_000;
    if (heartbeat !== false && !(heartbeat >= 100)) {
      throw new RangeError("ChannelsClient: heartbeatIntervalMs must be at least 100, or false to turn heartbeats off.");
    }
    this.heartbeatIntervalMs = heartbeat === false ? undefined : heartbeat;
    this.validator = options.validatePayloads === undefined ? undefined : new PayloadValidator(options.validatePayloads.contracts);
    this.onInvalidPayload = options.validatePayloads?.onInvalid;
    this.host = {
      invoke: (method, ...args) => this.invokeRaw(method, ...args),
      isConnected: () => this.currentState === "connected",
      reorderWindowMs: options.reorderWindowMs ?? 200,
      maxBufferedEvents: options.maxBufferedEvents ?? 1000,
      reportListenerError: (error, channel, what) =>
        this.log(LogLevel.Error, `A '${what}' listener of channel ${channel} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      warn: (message) => this.log(LogLevel.Warning, message),
    };
  }

  /** The connection's state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Calls `callback` on every state change; returns a function that stops it. */
  onStateChange(callback: StateListener): () => void {
    this.stateListeners.add(callback);
    return () => this.stateListeners.delete(callback);
  }

  /**
   * The SignalR connection id, for the `X-Socket-ID` header that lets the server exclude this
   * connection from a broadcast (`toOthers`). When negotiation is skipped (the default) it is asked from the
   * server (`GetSocketId`) after each connect. Undefined unless connected.
   */
  socketId(): string | undefined {
    if (this.currentState !== "connected") {
      return undefined;
    }
    return this.connection?.connectionId ?? this.serverSocketId;
  }

  /**
   * The round-trip time in milliseconds of the last heartbeat (`heartbeatIntervalMs`): how long a `Heartbeat` call
   * took to be answered. Undefined until one was answered, or with heartbeats off.
   */
  roundTripMs(): number | undefined {
    return this.lastRoundTripMs;
  }

  /**
   * Invokes an app hub method (one the app's `ChannelHub` adds, such as `SendMessage`) on the shared connection.
   * Coded server errors reject with a `ChannelError`.
   */
  async invoke<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    try {
      return await this.invokeRaw<T>(method, ...args);
    } catch (error) {
      throw error instanceof ChannelError ? error : ChannelError.from(error);
    }
  }

  /**
   * A public channel; `name` may not carry a `private-` or `presence-` prefix. A generated typed name types its events.
   * `options.events` filters it on the server (fixed for the channel's life: asking for a held channel with another
   * filter throws `invalid_argument`).
   */
  channel<TEvents extends EventMap>(name: TypedChannelName<"public", TEvents>, options?: SubscribeOptions<TEvents>): Channel<TEvents>;
  channel<TEvents extends EventMap = AnyEvents>(name: string, options?: SubscribeOptions<TEvents>): Channel<TEvents>;
  channel<TEvents extends EventMap = AnyEvents>(name: string, options?: SubscribeOptions<TEvents>): Channel<TEvents> {
    if (name.startsWith(ChannelPrefixes.private) || name.startsWith(ChannelPrefixes.presence)) {
      throw new ChannelError("invalid_channel", `'${name}' is not a public channel name: use private() or join()`, name);
    }
    const events = filterOf(options);
    return this.subscription(name, events, () => new Channel<TEvents>(name, this.host, events));
  }

  /**
   * The private channel `private-<name>`. `name` is given without the prefix, as in Laravel Echo (`orders.42`);
   * the full name (`private-orders.42`) is accepted too and names the same channel, and so is a generated typed name
   * (`channels.orderChannel(42)`), which types the events and whispers.
   */
  private<TEvents extends EventMap, TWhispers extends EventMap>(
    name: TypedChannelName<"private", TEvents, unknown, TWhispers>,
    options?: SubscribeOptions<TEvents>,
  ): PrivateChannel<TEvents, TWhispers>;
  private<TEvents extends EventMap = AnyEvents, TWhispers extends EventMap = AnyEvents>(
    name: string,
    options?: SubscribeOptions<TEvents>,
  ): PrivateChannel<TEvents, TWhispers>;
  private<TEvents extends EventMap = AnyEvents, TWhispers extends EventMap = AnyEvents>(
    name: string,
    options?: SubscribeOptions<TEvents>,
  ): PrivateChannel<TEvents, TWhispers> {
    const fullName = fullNameOf(ChannelPrefixes.private, ChannelPrefixes.presence, name);
    const events = filterOf(options);
    return this.subscription(fullName, events, () => new PrivateChannel<TEvents, TWhispers>(fullName, this.host, events));
  }

  /**
   * The presence channel `presence-<name>`; `TInfo` types each member's `info`. `name` is given without the
   * prefix (`chat.1`); the full name (`presence-chat.1`) is accepted too, and so is a generated typed name
   * (`channels.chatRoom("lobby")`), which types the events, member info and whispers.
   */
  join<TEvents extends EventMap, TInfo, TWhispers extends EventMap>(
    name: TypedChannelName<"presence", TEvents, TInfo, TWhispers>,
    options?: SubscribeOptions<TEvents>,
  ): PresenceChannel<TEvents, TInfo, TWhispers>;
  join<TEvents extends EventMap = AnyEvents, TInfo = unknown, TWhispers extends EventMap = AnyEvents>(
    name: string,
    options?: SubscribeOptions<TEvents>,
  ): PresenceChannel<TEvents, TInfo, TWhispers>;
  join<TEvents extends EventMap = AnyEvents, TInfo = unknown, TWhispers extends EventMap = AnyEvents>(
    name: string,
    options?: SubscribeOptions<TEvents>,
  ): PresenceChannel<TEvents, TInfo, TWhispers> {
    const fullName = fullNameOf(ChannelPrefixes.presence, ChannelPrefixes.private, name);
    const events = filterOf(options);
    return this.subscription(fullName, events, () => new PresenceChannel<TEvents, TInfo, TWhispers>(fullName, this.host, events));
  }

  /**
   * Leaves channels as Echo does: a name without prefix leaves `name`, `private-<name>` and `presence-<name>`;
   * a full name (`private-orders.42`) leaves that channel only.
   */
  async leave(name: string): Promise<void> {
    if (name.startsWith(ChannelPrefixes.private) || name.startsWith(ChannelPrefixes.presence)) {
      return this.leaveChannel(name);
    }
    await Promise.all([name, ChannelPrefixes.private + name, ChannelPrefixes.presence + name].map((n) => this.leaveChannel(n)));
  }

  /** Leaves one channel by its full name; its listeners are dropped. */
  async leaveChannel(fullName: string): Promise<void> {
    const channel = this.channels.get(fullName);
    if (channel === undefined) {
      return;
    }
    this.channels.delete(fullName);
    channel.dispose();
    if (this.currentState === "connected") {
      try {
        await this.invokeRaw(HubMethods.unsubscribe, fullName);
      } catch (error) {
        // The server side goes away with the connection anyway; nothing for the app to act on.
        this.log(LogLevel.Debug, `Unsubscribe ${fullName} failed: ${String(error)}`);
      }
    }
  }

  /** Leaves every channel. */
  async leaveAll(): Promise<void> {
    await Promise.all([...this.channels.keys()].map((name) => this.leaveChannel(name)));
  }

  /**
   * Connects, then subscribes every channel asked for so far. Resolves once the subscriptions are
   * answered (their failures go to each channel's `error` listeners); rejects if the connection cannot start.
   */
  start(): Promise<void> {
    if (this.currentState === "connected" || this.currentState === "reconnecting") {
      return Promise.resolve();
    }
    this.starting ??= this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Closes the connection and stops reconnecting. Channels are kept: `start()` resumes them. */
  async disconnect(): Promise<void> {
    this.stopRequested = true;
    this.serverSocketId = undefined;
    this.stopHeartbeats();
    this.cancelRestart();
    this.suspendAll();
    try {
      await this.connection?.stop();
    } finally {
      this.setState("disconnected");
    }
  }

  private subscription<T>(fullName: string, events: readonly string[] | null, create: () => Channel<any>): T {
    const existing = this.channels.get(fullName);
    if (existing !== undefined) {
      if (filterKey(existing.events) !== filterKey(events)) {
        throw new ChannelError("invalid_argument", `'${fullName}' is held with another event filter; leave it first`, fullName);
      }
      // The server removed it; asking for it again is asking to be subscribed again.
      if (existing.state === "unsubscribed" && this.currentState === "connected") {
        void this.subscribeBatch([existing]);
      }
      return existing as T;
    }
    const channel = create();
    this.channels.set(fullName, channel);
    if (this.currentState === "connected") {
      void this.subscribeBatch([channel]);
    }
    return channel as T;
  }

  private async connect(): Promise<void> {
    this.stopRequested = false;
    const connection = await this.ensureConnection();
    this.setState("connecting");
    try {
      await connection.start();
    } catch (error) {
      this.setState("disconnected");
      throw error;
    }
    if (this.stopRequested) {
      return;
    }
    this.setState("connected");
    await this.afterConnected();
  }

  private async ensureConnection(): Promise<ChannelsConnection> {
    if (this.connection !== undefined) {
      return this.connection;
    }
    const connection = this.options.connection ?? (await createHubConnection({ ...this.options, url: this.options.url! }, this.retryPolicy));
    connection.on(ClientMethod, (event: ChannelEvent) => this.onChannelEvent(event));
    connection.onreconnecting(() => this.onReconnecting());
    connection.onreconnected(() => this.onReconnected());
    connection.onclose((error) => this.onClose(error));
    this.connection = connection;
    return connection;
  }

  private onChannelEvent(raw: ChannelEvent): void {
    if (raw === null || typeof raw !== "object" || typeof raw.channel !== "string" || typeof raw.event !== "string") {
      this.log(LogLevel.Warning, "Ignored a malformed ChannelEvent.");
      return;
    }
    const problem = this.validator?.check(raw.channel, raw.event, raw.data);
    if (problem !== undefined) {
      // Opt-in validation (development): a payload that does not match its typed channel is reported, not delivered.
      const report = { channel: raw.channel, event: raw.event, problem };
      if (this.onInvalidPayload !== undefined) {
        this.onInvalidPayload(report);
      } else {
        this.log(LogLevel.Error, `Dropped '${raw.event}' on ${raw.channel}: ${problem}`);
      }
      return;
    }
    this.channels.get(raw.channel)?.receive(normalizeEvent(raw));
  }

  private onReconnecting(): void {
    this.serverSocketId = undefined;
    this.stopHeartbeats();
    this.suspendAll();
    this.setState("reconnecting");
  }

  private onReconnected(): void {
    this.setState("connected");
    void this.afterConnected();
  }

  /** Learns the connection id (negotiation is skipped by default) and resubscribes every channel. */
  private async afterConnected(): Promise<void> {
    this.serverSocketId = undefined;
    this.startHeartbeats();
    const socketId = this.connection?.connectionId
      ? Promise.resolve()
      : this.invokeRaw<string>(HubMethods.getSocketId).then(
          (id) => {
            this.serverSocketId = typeof id === "string" ? id : undefined;
          },
          () => undefined,
        );
    await Promise.all([socketId, this.subscribeAll()]);
  }

  private onClose(error?: Error): void {
    this.serverSocketId = undefined;
    this.stopHeartbeats();
    this.suspendAll();
    if (this.stopRequested || this.retryPolicy === undefined) {
      this.setState("disconnected");
      return;
    }
    // SignalR's own reconnection gave up (or the server closed without allowing it): keep trying.
    this.setState("reconnecting");
    this.restartAttempt = 0;
    this.restartSince = Date.now();
    this.scheduleRestart(error ?? new Error("The connection was closed."));
  }

  private scheduleRestart(reason: Error): void {
    const delay = this.retryPolicy!.nextRetryDelayInMilliseconds({
      previousRetryCount: this.restartAttempt,
      elapsedMilliseconds: Date.now() - this.restartSince,
      retryReason: reason,
    });
    if (delay === null) {
      this.setState("disconnected");
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.stopRequested || this.connection === undefined) {
      return;
    }
    try {
      await this.connection.start();
    } catch (error) {
      if (!this.stopRequested) {
        this.restartAttempt++;
        this.scheduleRestart(error instanceof Error ? error : new Error(String(error)));
      }
      return;
    }
    if (this.stopRequested) {
      return;
    }
    this.setState("connected");
    await this.afterConnected();
  }

  private startHeartbeats(): void {
    this.stopHeartbeats();
    if (this.heartbeatIntervalMs !== undefined) {
      void this.beat(this.heartbeatGeneration);
    }
  }

  private stopHeartbeats(): void {
    this.heartbeatGeneration++;
    if (this.heartbeatTimer !== undefined) {
      clearTimeout(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
  }

  /** One heartbeat, then the next after the interval; a newer connection (generation) ends this chain. */
  private async beat(generation: number): Promise<void> {
    // The server records the previous measurement (it bounds the value to 10 minutes).
    const previous = this.lastRoundTripMs === undefined ? null : Math.min(this.lastRoundTripMs, 600_000);
    const started = Date.now();
    try {
      await this.invokeRaw(HubMethods.heartbeat, previous);
    } catch (error) {
      if (generation === this.heartbeatGeneration && this.currentState === "connected") {
        // The method is optional: a server without it refuses, and is not asked again on this connection.
        this.log(LogLevel.Information, `Heartbeat refused (${String(error)}); heartbeats are off for this connection.`);
      }
      // Otherwise the connection went away: the next one starts a new chain.
      return;
    }
    if (generation !== this.heartbeatGeneration) {
      return;
    }
    this.lastRoundTripMs = Date.now() - started;
    this.heartbeatTimer = setTimeout(() => void this.beat(generation), this.heartbeatIntervalMs);
  }

  private cancelRestart(): void {
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
  }

  private suspendAll(): void {
    for (const channel of this.channels.values()) {
      channel.suspend();
    }
  }

  /** Subscribes every channel the app still wants, `subscribeBatchSize` channels per `SubscribeMany`. */
  private async subscribeAll(): Promise<void> {
    const pending = [...this.channels.values()].filter((c) => c.state === "subscribing" || c.state === "failed");
    // SubscribeMany's `events` applies to every channel of the call: one batch holds one filter.
    const byFilter = new Map<string, Channel<any>[]>();
    for (const channel of pending) {
      const key = filterKey(channel.events);
      byFilter.set(key, [...(byFilter.get(key) ?? []), channel]);
    }
    const batches: Channel<any>[][] = [];
    for (const group of byFilter.values()) {
      for (let i = 0; i < group.length; i += this.batchSize) {
        batches.push(group.slice(i, i + this.batchSize));
      }
    }
    await Promise.all(batches.map((batch) => this.subscribeBatch(batch)));
  }

  /** One channel: `Subscribe`. Several: one `SubscribeMany`. */
  private async subscribeBatch(channels: readonly Channel<any>[]): Promise<void> {
    const requests = channels.map((channel) => channel.beginSubscribe());
    try {
      if (channels.length === 1) {
        const since = requests[0]!.since;
        const events = channels[0]!.events;
        const options = since === null && events === null ? null : { since, ...(events !== null && { events }) };
        const result = await this.invokeRaw<SubscribeResult>(HubMethods.subscribe, channels[0]!.name, options);
        channels[0]!.completeSubscribe(requests[0]!, result);
        return;
      }
      const since: Record<string, SubscribeRequest["since"]> = {};
      let anySince = false;
      requests.forEach((request, i) => {
        if (request.since !== null) {
          since[channels[i]!.name] = request.since;
          anySince = true;
        }
      });
      const results = await this.invokeRaw<readonly SubscribeResult[]>(
        HubMethods.subscribeMany,
        channels.map((channel) => channel.name),
        manyOptions(anySince ? since : null, channels[0]!.events),
      );
      channels.forEach((channel, i) => this.completeFromMany(channel, requests[i]!, results[i]));
    } catch (error) {
      channels.forEach((channel, i) => channel.failSubscribe(requests[i]!, ChannelError.from(error, channel.name)));
    }
  }

  private completeFromMany(channel: Channel<any>, request: SubscribeRequest, result: SubscribeResult | undefined): void {
    if (result === undefined || (typeof result.channel === "string" && result.channel !== channel.name)) {
      channel.failSubscribe(request, new ChannelError("unknown", "SubscribeMany returned no matching result", channel.name));
    } else if (typeof result.error === "string" && result.error.length > 0) {
      channel.failSubscribe(request, ChannelError.fromMessage(result.error, channel.name));
    } else {
      channel.completeSubscribe(request, result);
    }
  }

  private invokeRaw<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.connection === undefined) {
      return Promise.reject(new ChannelError("unavailable", "the client is not connected; call start() first"));
    }
    return this.connection.invoke<T>(method, ...args);
  }

  private setState(state: ConnectionState): void {
    const previous = this.currentState;
    if (state === previous) {
      return;
    }
    this.currentState = state;
    for (const listener of [...this.stateListeners]) {
      try {
        listener(state, previous);
      } catch (error) {
        this.log(LogLevel.Error, `A state listener threw: ${String(error)}`);
      }
    }
  }

  private log(level: LogLevel, message: string): void {
    if (this.logger !== undefined) {
      this.logger.log(level, message);
    } else if (level >= this.consoleLevel) {
      (level >= LogLevel.Error ? console.error : console.warn)(`[signalr-channels] ${message}`);
    }
  }
}

function isAbsoluteUrl(url: string): boolean {
  return /^[a-z][a-z\d+.-]*:/i.test(url);
}

function hasPageLocation(): boolean {
  return typeof (globalThis as { location?: { href?: unknown } }).location?.href === "string";
}

/** The full name of a private or presence channel from a name given with or without its prefix. */
function fullNameOf(prefix: string, otherPrefix: string, name: string): string {
  if (name.startsWith(otherPrefix)) {
    throw new ChannelError("invalid_channel", `'${name}' is not a ${prefix.slice(0, -1)} channel name`, name);
  }
  return name.startsWith(prefix) ? name : prefix + name;
}

function retryPolicyOf(reconnect: ChannelsClientOptions["reconnect"]): IRetryPolicy | undefined {
  if (reconnect === false) {
    return undefined;
  }
  if (reconnect !== undefined && "nextRetryDelayInMilliseconds" in reconnect) {
    return reconnect;
  }
  return new BackoffRetryPolicy(reconnect);
}

/** A filter in one normal form (sorted, distinct), or null; an empty list is refused. */
function filterOf(options: SubscribeOptions<any> | undefined): readonly string[] | null {
  const events = options?.events;
  if (events === undefined) {
    return null;
  }
  if (events.length === 0) {
    throw new ChannelError("invalid_argument", "events lists one or more event names; leave it out for every event");
  }
  return [...new Set(events)].sort();
}

function filterKey(events: readonly string[] | null): string {
  return events === null ? "" : events.join("\n");
}

/** `SubscribeMany` options: null when there is nothing to send, else only what there is. */
function manyOptions(since: Record<string, unknown> | null, events: readonly string[] | null): object | null {
  if (since === null && events === null) {
    return null;
  }
  return { ...(since !== null && { since }), ...(events !== null && { events }) };
}
