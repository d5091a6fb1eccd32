/**
 * The slice of a SignalR `HubConnection` the client uses. A `HubConnection` satisfies it as is;
 * tests pass a `NullConnection` (or their own fake) instead.
 */
export interface ChannelsConnection {
  /** The server's id for this connection, or null/undefined when unknown or not connected. */
  readonly connectionId: string | null | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  invoke<T = unknown>(methodName: string, ...args: unknown[]): Promise<T>;
  on(methodName: string, handler: (...args: any[]) => void): void;
  off(methodName: string, handler: (...args: any[]) => void): void;
  /** Called when the connection is closed for good (reconnection, if any, gave up). */
  onclose(callback: (error?: Error) => void): void;
  /** Called when the transport was lost and automatic reconnection starts. */
  onreconnecting(callback: (error?: Error) => void): void;
  /** Called when automatic reconnection succeeded; server-side subscriptions are gone by then. */
  onreconnected(callback: (connectionId?: string) => void): void;
}
