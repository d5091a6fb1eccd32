import type { ChannelEvent, MemberLeftReason, PresenceMember, StreamPosition } from "./protocol.js";

/**
 * A map from event name to payload type, e.g. `{ OrderShipped: { orderId: number } }`.
 * Interfaces and type aliases both qualify.
 */
export type EventMap = object;

/** The map used when a channel is not given one: any name, any payload. */
export type AnyEvents = Record<string, any>;

/** The event names of a map. */
export type EventName<TEvents extends EventMap> = Extract<keyof TEvents, string>;

/** A listener for one event: its payload, then the whole envelope (offset, timestamp, …). */
export type EventListener<TEvents extends EventMap, TName extends EventName<TEvents>> = (
  data: TEvents[TName],
  event: ChannelEvent<TEvents[TName], TName>,
) => void;

/** The envelope of any event of a map, discriminated by `event`. */
export type ChannelEventOf<TEvents extends EventMap> = {
  [TName in EventName<TEvents>]: ChannelEvent<TEvents[TName], TName>;
}[EventName<TEvents>];

/** A listener for a whisper: its payload, the server-stamped sender, then the whole envelope. */
export type WhisperListener<TWhispers extends EventMap, TName extends EventName<TWhispers>> = (
  data: TWhispers[TName],
  from: string | undefined,
  event: ChannelEvent<TWhispers[TName], `client-${TName}`>,
) => void;

/**
 * Options of a subscription. `events` is an event filter: only these names (app events of the map, or whispers as
 * `client-<name>`) reach the channel, unwanted events never cross the wire; `member:*` and `channel:*` always pass.
 * A filtered channel's offsets have holes that are not losses: the server's `prevOffset` tells them apart.
 */
export interface SubscribeOptions<TEvents extends EventMap = AnyEvents> {
  readonly events?: readonly (EventName<TEvents> | `client-${string}`)[];
}

/** Why events went missing without being delivered. */
export type GapReason =
  /** A resubscribe with `since` came back with `recovered: false` in the same epoch. */
  | "not_recovered"
  /** The stream was lost and restarted under a new epoch. */
  | "epoch_changed"
  /** A hole in the offsets that history no longer holds. */
  | "history_incomplete"
  /** A hole in the offsets that could not be fetched because `GetHistory` failed. */
  | "history_error";

/** An unrecoverable gap: the events `fromOffset`…`toOffset` of `epoch` were never delivered. */
export interface GapInfo {
  readonly channel: string;
  readonly reason: GapReason;
  readonly epoch: string;
  readonly fromOffset: number;
  /** Inclusive; null when unknown (the stream moved to a new epoch). */
  readonly toOffset: number | null;
}

/** Passed to `subscribed` listeners each time a (re)subscription succeeds. */
export interface SubscribedInfo {
  readonly channel: string;
  /** The last position delivered (or the stream's position for a fresh subscription); null without history. */
  readonly position: StreamPosition | null;
  /** True when a resubscription delivered every missed event. */
  readonly recovered: boolean;
  /** True when this was a resubscription (after a reconnect or a server-side removal). */
  readonly resubscribed: boolean;
}

/** The lifecycle of one channel subscription. */
export type SubscriptionState =
  /** A Subscribe call is pending, or the client is not connected yet. */
  | "subscribing"
  | "subscribed"
  /** The server refused the subscription; retried on the next (re)connect. */
  | "failed"
  /** The server removed the subscription (`channel:unsubscribed`); not resubscribed automatically. */
  | "unsubscribed"
  /** The app left the channel. */
  | "left";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

export type HereListener<TInfo> = (members: readonly PresenceMember<TInfo>[]) => void;
export type JoiningListener<TInfo> = (member: PresenceMember<TInfo>) => void;
export type LeavingListener<TInfo> = (member: PresenceMember<TInfo>, reason: MemberLeftReason) => void;

/** Options of `Channel.history`. */
export interface HistoryQuery {
  /** Return events after this position. */
  readonly since?: StreamPosition;
  readonly limit?: number;
  /** Newest first. */
  readonly reverse?: boolean;
}
