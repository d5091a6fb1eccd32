// A Socket.IO 4 server under test, started by the load tool (tests/SignalRChannels.LoadTool) as its `socketio`
// server kind: a channel is a room, a subscriber joins it with `subscribe`, and a publish is `io.to(room).emit`.
// With --redis it uses @socket.io/redis-adapter so a room spans nodes. It offers the same control endpoints as the
// load tool's .NET servers (POST /load/publish, GET /load/memory), prints `LOADTOOL-LISTENING <url>` once bound,
// and exits when its standard input closes.
//
//   node --expose-gc server.mjs [--redis host:port] [--prefix p]
import { createServer } from "node:http";
import { Server } from "socket.io";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : undefined;
};
const redisAddress = option("--redis");
const prefix = option("--prefix") ?? "loadtool";

// The send timestamp: CLOCK_MONOTONIC in nanoseconds, the clock .NET's Stopwatch reads on Linux.
const now = () => Number(process.hrtime.bigint());

const paddings = new Map();
const padding = (size) => {
  const length = Math.max(0, size - 40);
  let pad = paddings.get(length);
  if (pad === undefined) {
    pad = "x".repeat(length);
    paddings.set(length, pad);
  }
  return pad;
};

const http = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  const reply = (status, body) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  if (request.method === "POST" && url.pathname === "/load/publish") {
    publish(url.searchParams).then((report) => reply(200, report), (error) => reply(500, { error: String(error) }));
  } else if (request.method === "GET" && url.pathname === "/load/memory") {
    for (let i = 0; i < 3; i++) globalThis.gc?.();
    const memory = process.memoryUsage();
    reply(200, { managedBytes: memory.heapUsed, workingSetBytes: memory.rss });
  } else if (!url.pathname.startsWith("/socket.io/")) {
    reply(404, { error: "not found" });
  }
});

const io = new Server(http, { transports: ["websocket"], serveClient: false });
io.on("connection", (socket) => {
  socket.on("subscribe", (channel, ack) => {
    socket.join(String(channel));
    if (typeof ack === "function") ack({ channel });
  });
  socket.on("unsubscribe", (channel, ack) => {
    socket.leave(String(channel));
    if (typeof ack === "function") ack({ channel });
  });
});

// Publishes `count` events over channels `<prefix>0..n-1`; `concurrency` emits between yields to the event loop
// (an emit does not wait for the sockets), paced at `rate` events per second when rate > 0.
async function publish(query) {
  const int = (name, fallback) => {
    const value = Number.parseInt(query.get(name) ?? "", 10);
    return Number.isFinite(value) ? value : fallback;
  };
  const channelPrefix = query.get("prefix") ?? "";
  const channels = Math.max(1, int("channels", 1));
  const count = int("count", 1);
  const size = int("size", 100);
  const rate = int("rate", 0);
  const concurrency = Math.max(1, int("concurrency", 1));
  const names = Array.from({ length: channels }, (_, i) => channelPrefix + i);
  const pad = padding(size);
  const started = performance.now();
  const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < count; i++) {
    if (rate > 0) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 1) await sleep(wait);
    } else if (i > 0 && i % concurrency === 0) {
      await yieldToLoop();
    }
    const channel = names[i % channels];
    io.to(channel).emit("ChannelEvent", {
      channel,
      event: "load",
      data: { ts: now(), seq: i, pad },
      timestamp: Date.now(),
    });
  }
  return { published: count, failed: 0, elapsedMs: performance.now() - started };
}

if (redisAddress !== undefined) {
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  // No per-command timeout: node-redis 6 arms one (5 s) on every command, and the adapter does not catch a publish
  // that times out, so a saturated event loop would crash the process with an unhandled rejection.
  const pub = createClient({ url: `redis://${redisAddress}`, commandOptions: { timeout: 0 } });
  const sub = pub.duplicate();
  pub.on("error", (error) => console.error(`redis: ${error}`));
  sub.on("error", (error) => console.error(`redis: ${error}`));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key: `${prefix}-socket.io` }));
}

http.listen(0, "127.0.0.1", () => {
  const { port } = http.address();
  process.stdout.write(`LOADTOOL-LISTENING http://127.0.0.1:${port}\n`);
});

// A failed publish (the adapter does not await them) is logged, not fatal: the load tool reports it as loss.
let unhandled = 0;
process.on("unhandledRejection", (reason) => {
  if (++unhandled <= 3) console.error(`unhandled rejection: ${reason}`);
});

process.stdin.on("data", () => {});
process.stdin.on("end", () => {
  io.close();
  process.exit(0);
});
