/** What a channel needs from the client that owns it. Internal: not exported from the package. */
export interface ChannelHost {
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
  isConnected(): boolean;
  readonly reorderWindowMs: number;
  readonly maxBufferedEvents: number;
  /** A listener threw: it must not stop delivery to the others, but it must not vanish either. */
  reportListenerError(error: unknown, channel: string, what: string): void;
  warn(message: string): void;
}
