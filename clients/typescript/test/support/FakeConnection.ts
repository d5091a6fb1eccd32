import { NullConnection } from "../../src/NullConnection.js";
import type { ChannelEvent, HistoryResult, SubscribeResult } from "../../src/protocol.js";

export interface Invocation {
  readonly method: string;
  readonly args: readonly unknown[];
}

type Responder = (...args: any[]) => unknown;

/** A scriptable server: records invocations, answers them with handlers, plays events and outages. */
export class FakeConnection extends NullConnection {
  readonly invocations: Invocation[] = [];
  /** `Heartbeat` calls, kept apart so that tests of other calls need not expect them. */
  readonly heartbeats: Invocation[] = [];
  readonly responders = new Map<string, Responder>();
  startFailures = 0;
  starts = 0;
  stops = 0;
  private nextId = 1;

  override async start(): Promise<void> {
    this.starts++;
    if (this.startFailures > 0) {
      this.startFailures--;
      throw new Error("Failed to start the connection: server unreachable");
    }
    this.connectionId = `conn-${this.nextId++}`;
  }

  override async stop(): Promise<void> {
    this.stops++;
    await super.stop();
  }

  override async invoke<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    (method === "Heartbeat" ? this.heartbeats : this.invocations).push({ method, args });
    const responder = this.responders.get(method);
    return (await (responder !== undefined ? responder(...args) : this.respond(method, args))) as T;
  }

  /** Answers `method` with `responder` from now on. */
  handle(method: string, responder: Responder): this {
    this.responders.set(method, responder);
    return this;
  }

  calls(method: string): Invocation[] {
    return this.invocations.filter((i) => i.method === method);
  }

  /** The transport dropped; SignalR starts reconnecting. */
  drop(): void {
    this.connectionId = null;
    this.raiseReconnecting(new Error("WebSocket closed with status code: 1006"));
  }

  /** SignalR reconnected on a new connection. */
  reconnect(): void {
    this.connectionId = `conn-${this.nextId++}`;
    this.raiseReconnected(this.connectionId);
  }

  /** The connection closed for good (reconnection gave up). */
  close(error = new Error("Server timeout elapsed")): void {
    this.connectionId = null;
    this.raiseClose(error);
  }

  send(event: Partial<ChannelEvent> & Pick<ChannelEvent, "channel" | "event">): void {
    this.emit(event);
  }
}

export function subscribeResult(channel: string, extra: Partial<SubscribeResult> = {}): SubscribeResult {
  return { channel, position: null, recovered: false, missed: [], members: null, ...extra };
}

export function historyResult(events: readonly ChannelEvent[], position: HistoryResult["position"] = null): HistoryResult {
  return { position, events };
}

/** An event with history fields, as a history-enabled channel carries. */
export function offsetEvent(channel: string, offset: number, epoch = "e1", event = "message", data: unknown = { n: offset }): ChannelEvent {
  return { channel, event, data, offset, epoch, timestamp: 1_700_000_000_000 + offset };
}

/** Lets pending promise chains run (fake timers do not advance). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
  }
}

/** A promise with its resolve/reject exposed, to hold a server answer back. */
export class Deferred<T> {
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}
