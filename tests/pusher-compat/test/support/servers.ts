// Starts tests/SignalRChannels.TestServer with the Pusher endpoint as a child process, with a handle that can also
// SIGKILL it (a node crash). Building the server is shared with the TypeScript client's integration suite.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureTestServerBuilt, repoRoot } from "../../../../clients/typescript/test/integration/support/testServer.js";

export { ensureTestServerBuilt };

const dll = join(repoRoot, "tests/SignalRChannels.TestServer/bin/Release/net10.0/SignalRChannels.TestServer.dll");
const logDir = join(repoRoot, "artifacts/test-servers");

export interface NodeOptions {
  readonly name: string;
  readonly redis?: string;
  readonly prefix?: string;
  readonly extraArgs?: readonly string[];
}

export interface PusherNode {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** SIGKILL at once: a crashed node. */
  kill(): Promise<void>;
}

export function startPusherNode(options: NodeOptions, timeoutMs = 30_000): Promise<PusherNode> {
  mkdirSync(logDir, { recursive: true });
  const args = [dll, "--urls", "http://127.0.0.1:0", "--exit-with-stdin", "true", "--pusher", "true"];
  if (options.redis !== undefined) {
    args.push("--redis", options.redis, "--prefix", options.prefix ?? `pusher-${Date.now()}`);
  }
  args.push(...(options.extraArgs ?? []));
  const child = spawn("dotnet", args, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((done) => child.once("exit", () => {
    process.off("exit", killOnExit);
    done();
  }));
  const log = createWriteStream(join(logDir, `pusher-${options.name}-${child.pid ?? "x"}.log`));
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };

  return new Promise<PusherNode>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${options.name} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /Now listening on: http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        const port = Number(match[1]);
        resolve({ url: `http://127.0.0.1:${port}`, port, stop: () => end("SIGTERM"), kill: () => end("SIGKILL") });
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`node ${options.name} exited (${code ?? signal}):\n${output}`));
    });
  });
}
