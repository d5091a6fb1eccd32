// Wire protocol v1 (docs/protocol.md). Field names are camelCase in JSON and MessagePack alike.

/** A point in a channel's event stream: the offset of an event and the epoch of the stream it belongs to. */
export interface StreamPosition {
  readonly offset: number;
  readonly epoch: string;
}

/** The single argument of the `ChannelEvent` client method. */
export interface ChannelEvent<TData = unknown, TName extends string = string> {
  readonly channel: string;
  readonly event: TName;
  readonly data: TData;
  /** Present on history-enabled channels: contiguous per channel (1, 2, 3, …). */
  readonly offset?: number;
  /** Present with `offset`: changes when the stream is lost. */
  readonly epoch?: string;
  /**
   * Only for subscriptions with an event filter, on history-enabled channels: no event the subscription receives lies
   * between `prevOffset` and `offset`, so the offsets in between were filtered out, not lost.
   */
  readonly prevOffset?: number;
  /** Unix milliseconds. */
  readonly timestamp: number;
  /** Server-stamped sender (member or user id) of a whisper. */
  readonly from?: string;
  /** Queued events only: the event's id; a repeat of it is dropped (protocol: "Event ids"). */
  readonly id?: string;
}

/** A presence member: a user, identified by the id the server's presence callback returned. */
export interface PresenceMember<TInfo = unknown> {
  readonly id: string;
  readonly info: TInfo;
}

export type MemberLeftReason = "left" | "disconnected" | "timeout";

/** Data of the reserved `member:left` event. */
export interface MemberLeftData<TInfo = unknown> extends PresenceMember<TInfo> {
  readonly reason: MemberLeftReason;
}

/** Data of the reserved `channel:unsubscribed` event. */
export interface ChannelUnsubscribedData {
  readonly reason: string;
}

/** The result of `Subscribe`, and each element of the result of `SubscribeMany`. */
export interface SubscribeResult {
  readonly channel: string;
  readonly position: StreamPosition | null;
  readonly recovered: boolean;
  readonly missed: readonly ChannelEvent[] | null;
  readonly members: readonly PresenceMember[] | null;
  /** When `members` is only the first page: the `after` of `GetMembersPage` that reads the rest. */
  readonly membersNext?: string | null;
  /** `SubscribeMany` only: a coded message ("forbidden: …") instead of an exception. */
  readonly error?: string | null;
}

/** The result of `GetMembersPage`: members in ordinal order of their ids, and where the next page starts. */
export interface MembersPage {
  readonly members: readonly PresenceMember[];
  readonly next: string | null;
}

/** The result of `GetHistory`. */
export interface HistoryResult<TEvent extends ChannelEvent = ChannelEvent> {
  readonly position: StreamPosition | null;
  readonly events: readonly TEvent[];
}

/** Hub method names, client to server. */
export const HubMethods = {
  subscribe: "Subscribe",
  subscribeMany: "SubscribeMany",
  unsubscribe: "Unsubscribe",
  whisper: "Whisper",
  getMembers: "GetMembers",
  getMembersPage: "GetMembersPage",
  getHistory: "GetHistory",
  getSocketId: "GetSocketId",
  heartbeat: "Heartbeat",
} as const;

/** The one client method the server calls. */
export const ClientMethod = "ChannelEvent";

/** Event names the server reserves; app events may not use these prefixes. */
export const ReservedEvents = {
  memberJoined: "member:joined",
  memberLeft: "member:left",
  channelUnsubscribed: "channel:unsubscribed",
  whisperPrefix: "client-",
} as const;

/** Channel kind prefixes, as in Pusher and Laravel. */
export const ChannelPrefixes = {
  private: "private-",
  presence: "presence-",
} as const;

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") {
    return value;
  }
  if (typeof value === "bigint") {
    return Number(value);
  }
  return undefined;
}

/** Reads a position off the wire; MessagePack may hand over int64s as bigint. */
export function normalizePosition(raw: StreamPosition | null | undefined): StreamPosition | null {
  const offset = toNumber(raw?.offset);
  if (raw === null || raw === undefined || offset === undefined || typeof raw.epoch !== "string") {
    return null;
  }
  return { offset, epoch: raw.epoch };
}

/** Reads an event off the wire: null optional fields become absent, int64s become numbers. */
export function normalizeEvent(raw: ChannelEvent): ChannelEvent {
  const offset = toNumber(raw.offset);
  const prevOffset = toNumber(raw.prevOffset);
  return {
    channel: raw.channel,
    event: raw.event,
    data: raw.data,
    timestamp: toNumber(raw.timestamp) ?? 0,
    ...(offset !== undefined && { offset }),
    ...(typeof raw.epoch === "string" && { epoch: raw.epoch }),
    ...(prevOffset !== undefined && { prevOffset }),
    ...(typeof raw.from === "string" && { from: raw.from }),
    ...(typeof raw.id === "string" && { id: raw.id }),
  };
}
