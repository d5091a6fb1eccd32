// The real Redis the two-instance topology runs on: REDIS_URL (`127.0.0.1:6379` or `redis://[:password@]host:port`).
// A few RESP commands over a socket are all the suite needs (a ping before the apps start, a cleanup after).
import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";

export const howToStartRedis =
  "Start Redis and set REDIS_URL, for example: redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' " +
  "--appendonly no && export REDIS_URL=127.0.0.1:6379 (on Debian: apt-get install -y redis-server).";

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  /** The same server as a StackExchange.Redis configuration string, for the app's `ConnectionStrings__Redis`. */
  readonly configuration: string;
}

/** Reads REDIS_URL; undefined when it is not set. */
export function redisFromEnvironment(url = process.env.REDIS_URL): RedisEndpoint | undefined {
  const value = url?.trim();
  if (!value) {
    return undefined;
  }
  const parsed = new URL(/^rediss?:\/\//i.test(value) ? value : `redis://${value}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const port = parsed.port === "" ? 6379 : Number(parsed.port);
  const password = parsed.password === "" ? undefined : decodeURIComponent(parsed.password);
  const configuration = `${parsed.hostname}:${port}` + (password === undefined ? "" : `,password=${password}`);
  return { host, port, password, configuration };
}

/** A key prefix for one test run, so runs (and other apps) on the same Redis never meet. */
export function newRedisPrefix(): string {
  return `chatapp-test-${randomUUID().slice(0, 12)}`;
}

type Reply = string | number | null | Reply[] | Error;

/** A minimal RESP2 client: one command at a time. */
export class RedisClient {
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("Redis closed the connection")));
  }

  static async connect(endpoint: RedisEndpoint, timeoutMs = 3_000): Promise<RedisClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: endpoint.host, port: endpoint.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`Redis at ${endpoint.host}:${endpoint.port} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`Redis at ${endpoint.host}:${endpoint.port}: ${error.message}`));
      });
    });
    const client = new RedisClient(socket);
    if (endpoint.password !== undefined) {
      await client.command("AUTH", endpoint.password);
    }
    return client;
  }

  async command(...args: string[]): Promise<Reply> {
    if (this.failure !== undefined) {
      throw this.failure;
    }
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(""));
    });
    if (reply instanceof Error) {
      throw reply;
    }
    return reply;
  }

  /** Deletes every key that starts with `prefix`; returns how many. */
  async deleteByPrefix(prefix: string): Promise<number> {
    let cursor = "0";
    let deleted = 0;
    do {
      const [next, keys] = (await this.command("SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", "500")) as [string, string[]];
      cursor = next;
      if (keys.length > 0) {
        deleted += (await this.command("DEL", ...keys)) as number;
      }
    } while (cursor !== "0");
    return deleted;
  }

  close(): void {
    this.socket.end();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  private drain(): void {
    if (this.waiting === undefined) {
      return;
    }
    const parsed = parse(this.buffer, 0);
    if (parsed === undefined) {
      return;
    }
    this.buffer = this.buffer.subarray(parsed.end);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(parsed.reply);
  }
}

/** Parses one reply at `start`; undefined while it is incomplete. */
function parse(buffer: Buffer, start: number): { reply: Reply; end: number } | undefined {
  const lineEnd = buffer.indexOf("\r\n", start);
  if (lineEnd < 0) {
    return undefined;
  }
  const line = buffer.toString("utf8", start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (String.fromCharCode(buffer[start]!)) {
    case "+":
      return { reply: line, end: next };
    case "-":
      return { reply: new Error(`Redis: ${line}`), end: next };
    case ":":
      return { reply: Number(line), end: next };
    case "$": {
      const length = Number(line);
      if (length < 0) {
        return { reply: null, end: next };
      }
      if (buffer.length < next + length + 2) {
        return undefined;
      }
      return { reply: buffer.toString("utf8", next, next + length), end: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) {
        return { reply: null, end: next };
      }
      const items: Reply[] = [];
      let position = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, position);
        if (item === undefined) {
          return undefined;
        }
        items.push(item.reply);
        position = item.end;
      }
      return { reply: items, end: position };
    }
    default:
      throw new Error(`Unexpected Redis reply: ${line}`);
  }
}
