export { ChannelsClient } from "./ChannelsClient.js";
// Re-exported so apps can set `logger: LogLevel.Information` without importing @microsoft/signalr themselves.
export { LogLevel } from "@microsoft/signalr";
export type { ChannelsClientOptions, TransportName } from "./ChannelsClientOptions.js";
export { Channel } from "./Channel.js";
export { PrivateChannel } from "./PrivateChannel.js";
export { PresenceChannel } from "./PresenceChannel.js";
export { ChannelError, type ChannelErrorCode } from "./ChannelError.js";
export type { ChannelsConnection } from "./ChannelsConnection.js";
export { NullConnection } from "./NullConnection.js";
export {
  PayloadValidator,
  type ChannelContracts,
  type PayloadProblem,
  type PayloadSchema,
  type TypedChannelName,
} from "./contracts.js";
export { BackoffRetryPolicy, type BackoffOptions } from "./BackoffRetryPolicy.js";
export {
  ChannelPrefixes,
  ClientMethod,
  HubMethods,
  ReservedEvents,
  type ChannelEvent,
  type ChannelUnsubscribedData,
  type HistoryResult,
  type MemberLeftData,
  type MemberLeftReason,
  type MembersPage,
  type PresenceMember,
  type StreamPosition,
  type SubscribeResult,
} from "./protocol.js";
export type {
  AnyEvents,
  ChannelEventOf,
  ConnectionState,
  EventListener,
  EventMap,
  EventName,
  GapInfo,
  GapReason,
  HereListener,
  HistoryQuery,
  JoiningListener,
  LeavingListener,
  SubscribedInfo,
  SubscribeOptions,
  SubscriptionState,
  WhisperListener,
} from "./typing.js";
