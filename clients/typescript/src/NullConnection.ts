import type { ChannelsConnection } from "./ChannelsConnection.js";
import { ChannelPrefixes, ClientMethod, HubMethods, type ChannelEvent, type SubscribeResult } from "./protocol.js";

type Handler = (...args: any[]) => void;

/**
 * A connection that talks to no server, like Laravel Echo's null connector: every subscription
 * succeeds (presence channels with no members), other calls resolve empty. `emit` plays server
 * events, so apps can unit-test their listeners.
 */
export class NullConnection implements ChannelsConnection {
  connectionId: string | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly closeCallbacks: ((error?: Error) => void)[] = [];
  private readonly reconnectingCallbacks: ((error?: Error) => void)[] = [];
  private readonly reconnectedCallbacks: ((connectionId?: string) => void)[] = [];

  async start(): Promise<void> {
    this.connectionId ??= "null-connection";
  }

  async stop(): Promise<void> {
    this.connectionId = null;
    this.raiseClose();
  }

  async invoke<T = unknown>(methodName: string, ...args: unknown[]): Promise<T> {
    return this.respond(methodName, args) as T;
  }

  on(methodName: string, handler: Handler): void {
    let set = this.handlers.get(methodName.toLowerCase());
    if (set === undefined) {
      set = new Set();
      this.handlers.set(methodName.toLowerCase(), set);
    }
    set.add(handler);
  }

  off(methodName: string, handler: Handler): void {
    this.handlers.get(methodName.toLowerCase())?.delete(handler);
  }

  onclose(callback: (error?: Error) => void): void {
    this.closeCallbacks.push(callback);
  }

  onreconnecting(callback: (error?: Error) => void): void {
    this.reconnectingCallbacks.push(callback);
  }

  onreconnected(callback: (connectionId?: string) => void): void {
    this.reconnectedCallbacks.push(callback);
  }

  /** Delivers an event as if the server had sent it. */
  emit(event: Partial<ChannelEvent> & Pick<ChannelEvent, "channel" | "event">): void {
    const full: ChannelEvent = { data: null, timestamp: Date.now(), ...event };
    for (const handler of [...(this.handlers.get(ClientMethod.toLowerCase()) ?? [])]) {
      handler(full);
    }
  }

  protected raiseClose(error?: Error): void {
    for (const callback of [...this.closeCallbacks]) {
      callback(error);
    }
  }

  protected raiseReconnecting(error?: Error): void {
    for (const callback of [...this.reconnectingCallbacks]) {
      callback(error);
    }
  }

  protected raiseReconnected(connectionId?: string): void {
    for (const callback of [...this.reconnectedCallbacks]) {
      callback(connectionId);
    }
  }

  /** The answer to an invocation; override to script a server. */
  protected respond(methodName: string, args: readonly unknown[]): unknown {
    switch (methodName) {
      case HubMethods.subscribe:
        return NullConnection.subscribed(args[0] as string);
      case HubMethods.subscribeMany:
        return (args[0] as readonly string[]).map((channel) => NullConnection.subscribed(channel));
      case HubMethods.getMembers:
        return [];
      case HubMethods.getMembersPage:
        return { members: [], next: null };
      case HubMethods.getHistory:
        return { position: null, events: [] };
      case HubMethods.heartbeat:
        return Date.now();
      default:
        return null;
    }
  }

  private static subscribed(channel: string): SubscribeResult {
    return {
      channel,
      position: null,
      recovered: false,
      missed: [],
      members: channel.startsWith(ChannelPrefixes.presence) ? [] : null,
    };
  }
}
