// Helpers for tests against a running TestServer: clients that clean up after themselves, the server's HTTP
// endpoints, and ways to wait for things without sleeping.
import { randomUUID } from "node:crypto";
import { LogLevel, type ILogger } from "@microsoft/signalr";
import { ChannelsClient, type ChannelsClientOptions, type ConnectionState } from "../../../src/index.js";

export const defaultTimeoutMs = 10_000;

export type Protocol = "json" | "messagepack";

/** Keeps what a client logs, so a failing test can show it and a passing one stays quiet. */
export class CapturingLogger implements ILogger {
  readonly entries: { level: LogLevel; message: string }[] = [];

  log(level: LogLevel, message: string): void {
    this.entries.push({ level, message });
  }

  /** Errors the client itself reported (a listener threw, …), not SignalR's transport noise. */
  get clientErrors(): string[] {
    return this.entries.filter((e) => e.level >= LogLevel.Error && e.message.includes("listener")).map((e) => e.message);
  }
}

export interface TestClient {
  readonly client: ChannelsClient;
  readonly logger: CapturingLogger;
}

export interface ConnectOptions extends Omit<ChannelsClientOptions, "url" | "accessTokenFactory" | "logger"> {
  /** Signs in as `id` (token `id;name`); anonymous when absent. */
  readonly user?: { readonly id: string; readonly name: string };
  /** Call start() before returning. The default is true. */
  readonly start?: boolean;
}

const live = new Set<TestClient>();

/** A client of the node at `baseUrl`, with short reconnect delays; stopped by `disconnectAll`. */
export async function connect(baseUrl: string, options: ConnectOptions = {}): Promise<TestClient> {
  const { user, start = true, ...rest } = options;
  const logger = new CapturingLogger();
  const client = new ChannelsClient({
    reconnect: { delaysMs: [0, 100, 250], jitter: 0 },
    ...rest,
    url: `${baseUrl}/hubs/test`,
    logger,
    ...(user !== undefined && { accessTokenFactory: () => `${user.id};${user.name}` }),
  });
  const made = { client, logger };
  live.add(made);
  if (start) {
    await within(client.start(), "client.start()");
  }
  return made;
}

/**
 * Disconnects every client made by `connect` (call in afterEach), then fails if a listener threw: the client
 * reports those to its logger instead of throwing, so a failed check inside a listener would go unseen.
 */
export async function disconnectAll(): Promise<void> {
  const made = [...live];
  live.clear();
  await Promise.allSettled(made.map((m) => m.client.disconnect()));
  const errors = made.flatMap((m) => m.logger.clientErrors);
  if (errors.length > 0) {
    throw new Error(`Listeners threw:\n${errors.join("\n")}`);
  }
}

/** A channel name (without kind prefix) no other test uses: `<base>.<random>`. */
export function uniqueName(base: string): string {
  return `${base}.${randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: body === undefined ? "" : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  }
  return response;
}

/** The app's own HTTP API publishing `data`; with `socketId` the X-Socket-ID header asks for toOthers. */
export async function publish(baseUrl: string, channel: string, event: string, data: unknown, socketId?: string): Promise<void> {
  const headers: Record<string, string> = socketId === undefined ? {} : { "X-Socket-ID": socketId };
  await post(`${baseUrl}/publish/${encodeURIComponent(channel)}/${encodeURIComponent(event)}`, data, headers);
}

/** Publishes `count` events `{ i }` (i from `start`) one after another on the server. */
export async function publishMany(baseUrl: string, channel: string, event: string, count: number, start = 1): Promise<void> {
  await post(`${baseUrl}/publish-many/${encodeURIComponent(channel)}/${encodeURIComponent(event)}/${count}?start=${start}`, undefined);
}

/** Drops a connection from the server side. */
export async function abortConnection(baseUrl: string, connectionId: string): Promise<void> {
  await post(`${baseUrl}/abort/${encodeURIComponent(connectionId)}`, undefined);
}

/**
 * Rejects with a clear message when `promise` takes longer than `timeoutMs`; `detail` adds what was seen by then.
 */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs = defaultTimeoutMs, detail?: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seen = detail === undefined ? "" : ` (${detail()})`;
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${seen}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects values (events, members, errors) and lets a test await a condition on them. */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  /** A listener that records its first argument; pass it straight to `listen`, `error`, `joining`, … */
  readonly add = (item: T): void => {
    this.items.push(item);
    for (const check of [...this.waiters]) {
      check();
    }
  };

  /** Resolves with the items once `predicate` holds for them. */
  until(predicate: (items: readonly T[]) => boolean, what: string, timeoutMs = defaultTimeoutMs): Promise<T[]> {
    let check: () => void = () => undefined;
    const satisfied = new Promise<T[]>((resolve) => {
      check = () => {
        if (predicate(this.items)) {
          resolve(this.items);
        }
      };
    });
    this.waiters.add(check);
    check();
    return within(satisfied, what, timeoutMs, () => `have ${this.items.length}: ${preview(this.items)}`).finally(() =>
      this.waiters.delete(check),
    );
  }

  /** Resolves once at least `count` items arrived. */
  count(count: number, what = `${count} items`, timeoutMs = defaultTimeoutMs): Promise<T[]> {
    return this.until((items) => items.length >= count, what, timeoutMs);
  }
}

function preview(items: readonly unknown[]): string {
  const text = JSON.stringify(items.slice(-5), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Resolves when the client reaches `state` (at once if it is there already). */
export function stateReached(client: ChannelsClient, state: ConnectionState, timeoutMs = defaultTimeoutMs): Promise<void> {
  if (client.state === state) {
    return Promise.resolve();
  }
  let stop: () => void = () => undefined;
  return within(
    new Promise<void>((resolve) => {
      stop = client.onStateChange((now) => {
        if (now === state) {
          resolve();
        }
      });
    }),
    `state ${state} (now ${client.state})`,
    timeoutMs,
  ).finally(() => stop());
}
