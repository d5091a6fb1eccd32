import { ChannelError } from "./ChannelError.js";
import type { ChannelHost } from "./ChannelHost.js";
import { EventSequencer } from "./EventSequencer.js";
import {
  HubMethods,
  normalizeEvent,
  normalizePosition,
  ReservedEvents,
  type ChannelEvent,
  type ChannelUnsubscribedData,
  type HistoryResult,
  type StreamPosition,
  type SubscribeResult,
} from "./protocol.js";
import type {
  AnyEvents,
  ChannelEventOf,
  EventListener,
  EventMap,
  EventName,
  GapInfo,
  HistoryQuery,
  SubscribedInfo,
  SubscriptionState,
} from "./typing.js";

type AnyListener = (data: unknown, event: ChannelEvent) => void;

/** What the client sends to (re)subscribe a channel. Internal. */
export interface SubscribeRequest {
  readonly attempt: number;
  readonly since: StreamPosition | null;
}

/**
 * A public channel. Listener methods return `this` so calls chain, as in Laravel Echo.
 * Obtain one from `ChannelsClient.channel`; it stays subscribed across reconnects until left.
 */
export class Channel<TEvents extends EventMap = AnyEvents> {
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private readonly allListeners = new Set<(event: ChannelEvent) => void>();
  private readonly subscribedListeners = new Set<(info: SubscribedInfo) => void>();
  private readonly errorListeners = new Set<(error: ChannelError) => void>();
  private readonly gapListeners = new Set<(gap: GapInfo) => void>();
  private readonly unsubscribedListeners = new Set<(reason: string) => void>();
  private readonly sequencer: EventSequencer;
  private currentState: SubscriptionState = "subscribing";
  private attempt = 0;
  private everSubscribed = false;

  /** Created by `ChannelsClient`; apps do not construct channels. */
  constructor(
    /** The full channel name, with its kind prefix. */
    readonly name: string,
    protected readonly host: ChannelHost,
    /** The event filter (sorted, distinct), or null for every event. */
    readonly events: readonly string[] | null = null,
  ) {
    this.sequencer = new EventSequencer(
      name,
      {
        deliver: (event) => this.dispatch(event),
        gap: (gap) => this.raiseGap(gap),
        fetchHistory: (since, limit) => this.fetchHistory({ since, limit }),
        canFetch: () => this.currentState === "subscribed" && host.isConnected(),
      },
      host.reorderWindowMs,
      host.maxBufferedEvents,
    );
  }

  /** Where the subscription stands. */
  get state(): SubscriptionState {
    return this.currentState;
  }

  /** The last event position delivered to the app; null on channels without history. */
  get position(): StreamPosition | null {
    return this.sequencer.lastPosition;
  }

  /** Calls `listener` with the payload (and the envelope) of every `event`. */
  listen<TName extends EventName<TEvents>>(event: TName, listener: EventListener<TEvents, TName>): this {
    this.add(event, listener as AnyListener);
    return this;
  }

  /** Removes one listener of `event`, or all of them. */
  stopListening<TName extends EventName<TEvents>>(event: TName, listener?: EventListener<TEvents, TName>): this {
    this.remove(event, listener as AnyListener | undefined);
    return this;
  }

  /** Calls `listener` with the envelope of every app event (not presence, whisper or control events). */
  listenToAll(listener: (event: ChannelEventOf<TEvents>) => void): this {
    this.allListeners.add(listener as (event: ChannelEvent) => void);
    return this;
  }

  stopListeningToAll(listener?: (event: ChannelEventOf<TEvents>) => void): this {
    if (listener === undefined) {
      this.allListeners.clear();
    } else {
      this.allListeners.delete(listener as (event: ChannelEvent) => void);
    }
    return this;
  }

  /** Called each time the (re)subscription succeeds, before the events it recovered are delivered. */
  subscribed(callback: (info: SubscribedInfo) => void): this {
    this.subscribedListeners.add(callback);
    return this;
  }

  /**
   * Resolves once the channel is subscribed (at once if it already is), for calls that need the subscription,
   * such as `history()` right after asking for a channel; rejects with the `ChannelError` if the server refuses it.
   */
  whenSubscribed(): Promise<void> {
    if (this.currentState === "subscribed") {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        this.subscribedListeners.delete(onSubscribed);
        this.errorListeners.delete(onError);
      };
      const onSubscribed = (): void => {
        settle();
        resolve();
      };
      const onError = (error: ChannelError): void => {
        settle();
        reject(error);
      };
      this.subscribedListeners.add(onSubscribed);
      this.errorListeners.add(onError);
    });
  }

  /** Called when the server refuses the subscription, or removes it. */
  error(callback: (error: ChannelError) => void): this {
    this.errorListeners.add(callback);
    return this;
  }

  /**
   * Called when events of a history-enabled channel were lost for good: a resubscription could not
   * recover them, the stream's epoch changed, or a hole in the offsets was no longer in history.
   * Delivery carries on after the gap; the app should reload whatever state it derives from the events.
   */
  onGap(callback: (gap: GapInfo) => void): this {
    this.gapListeners.add(callback);
    return this;
  }

  /** Called with the server's reason when it removes the subscription; it is not resubscribed automatically. */
  unsubscribed(callback: (reason: string) => void): this {
    this.unsubscribedListeners.add(callback);
    return this;
  }

  /** Reads the channel's history (subscribers only). */
  async history(query: HistoryQuery = {}): Promise<HistoryResult<ChannelEventOf<TEvents>>> {
    return (await this.fetchHistory(query)) as HistoryResult<ChannelEventOf<TEvents>>;
  }

  /** @internal Starts a (re)subscription: events are held back until it completes. */
  beginSubscribe(): SubscribeRequest {
    this.attempt++;
    this.currentState = "subscribing";
    this.sequencer.hold();
    return { attempt: this.attempt, since: this.sequencer.lastPosition };
  }

  /** @internal */
  completeSubscribe(request: SubscribeRequest, result: SubscribeResult): void {
    if (request.attempt !== this.attempt || this.currentState !== "subscribing") {
      return;
    }
    this.currentState = "subscribed";
    const resubscribed = this.everSubscribed;
    this.everSubscribed = true;
    this.applySubscription(result);
    const info: SubscribedInfo = {
      channel: this.name,
      position: request.since !== null && result.recovered ? request.since : normalizePosition(result.position),
      recovered: request.since !== null && result.recovered,
      resubscribed,
    };
    this.each(this.subscribedListeners, "subscribed", (listener) => listener(info));
    this.sequencer.resume(result, request.since);
  }

  /** @internal */
  failSubscribe(request: SubscribeRequest, error: ChannelError): void {
    if (request.attempt !== this.attempt || this.currentState !== "subscribing") {
      return;
    }
    this.currentState = "failed";
    this.raiseError(error);
  }

  /** @internal The connection was lost: hold events until the resubscription. */
  suspend(): void {
    if (this.currentState === "subscribed" || this.currentState === "subscribing" || this.currentState === "failed") {
      this.attempt++;
      this.currentState = "subscribing";
      this.sequencer.hold();
    }
  }

  /** @internal An event from the connection, already normalized. */
  receive(event: ChannelEvent): void {
    if (this.currentState === "subscribed" || this.currentState === "subscribing") {
      this.sequencer.push(event);
    }
  }

  /** @internal The app left the channel. */
  dispose(): void {
    this.currentState = "left";
    this.attempt++;
    this.sequencer.dispose();
    this.listeners.clear();
    this.allListeners.clear();
    this.subscribedListeners.clear();
    this.errorListeners.clear();
    this.gapListeners.clear();
    this.unsubscribedListeners.clear();
    this.reset();
  }

  /** Applies the parts of a subscription result beyond the event stream (presence members). */
  protected applySubscription(_result: SubscribeResult): void {}

  /** Forgets derived state when the subscription is gone. */
  protected reset(): void {}

  /** Handles reserved events a subclass understands; returns false for the others. */
  protected dispatchReserved(_event: ChannelEvent): boolean {
    return false;
  }

  /** Calls each listener in turn; one that throws is reported and does not stop the rest. */
  protected each<T>(listeners: ReadonlySet<T>, what: string, call: (listener: T) => void): void {
    for (const listener of [...listeners]) {
      try {
        call(listener);
      } catch (error) {
        this.host.reportListenerError(error, this.name, what);
      }
    }
  }

  protected add(key: string, listener: AnyListener): void {
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
  }

  protected remove(key: string, listener: AnyListener | undefined): void {
    const set = this.listeners.get(key);
    if (set === undefined) {
      return;
    }
    if (listener === undefined) {
      set.clear();
    } else {
      set.delete(listener);
    }
    if (set.size === 0) {
      this.listeners.delete(key);
    }
  }

  private dispatch(event: ChannelEvent): void {
    if (event.event === ReservedEvents.channelUnsubscribed) {
      this.serverUnsubscribed(event.data as ChannelUnsubscribedData | null);
      return;
    }
    if (this.dispatchReserved(event)) {
      return;
    }
    const listeners = this.listeners.get(event.event);
    if (listeners !== undefined) {
      this.each(listeners, event.event, (listener) => listener(event.data, event));
    }
    if (!isReserved(event.event)) {
      this.each(this.allListeners, event.event, (listener) => listener(event));
    }
  }

  private serverUnsubscribed(data: ChannelUnsubscribedData | null): void {
    const reason = typeof data?.reason === "string" ? data.reason : "unsubscribed";
    this.currentState = "unsubscribed";
    this.attempt++;
    this.sequencer.hold();
    this.reset();
    this.each(this.unsubscribedListeners, "unsubscribed", (listener) => listener(reason));
    const parsed = ChannelError.fromMessage(reason, this.name);
    this.raiseError(
      parsed.code === "unknown"
        ? new ChannelError("not_subscribed", `the server removed the subscription: ${reason}`, this.name)
        : parsed,
    );
  }

  private raiseError(error: ChannelError): void {
    if (this.errorListeners.size === 0) {
      this.host.warn(`Channel ${this.name}: ${error.message}`);
    }
    this.each(this.errorListeners, "error", (listener) => listener(error));
  }

  private raiseGap(gap: GapInfo): void {
    if (this.gapListeners.size === 0) {
      this.host.warn(`Channel ${this.name}: events lost (${gap.reason}) from offset ${gap.fromOffset} to ${gap.toOffset ?? "the end of epoch " + gap.epoch}.`);
    }
    this.each(this.gapListeners, "gap", (listener) => listener(gap));
  }

  private async fetchHistory(query: HistoryQuery): Promise<HistoryResult> {
    const options = { since: query.since ?? null, limit: query.limit ?? null, reverse: query.reverse ?? null };
    let result: HistoryResult | null;
    try {
      result = await this.host.invoke<HistoryResult | null>(HubMethods.getHistory, this.name, options);
    } catch (error) {
      throw ChannelError.from(error, this.name);
    }
    return {
      position: normalizePosition(result?.position),
      events: (result?.events ?? []).map(normalizeEvent),
    };
  }
}

function isReserved(event: string): boolean {
  return event.startsWith(ReservedEvents.whisperPrefix) || event.startsWith("member:") || event.startsWith("channel:");
}
