// Starts SignalRChannels.TestServer (tests/SignalRChannels.TestServer) as a child process on a free port.
// Shared by the integration and browser suites' global setups; runs in the vitest main process.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../..");
const projectDir = join(repoRoot, "tests/SignalRChannels.TestServer");
const dll = join(projectDir, "bin/Release/net10.0/SignalRChannels.TestServer.dll");
const logDir = join(repoRoot, "artifacts/test-servers");

export interface TestServerOptions {
  /** A name for the log file (artifacts/test-servers/<name>-<pid>.log). */
  readonly name: string;
  /** Redis configuration (host:port); nodes with the same prefix form one cluster. */
  readonly redis?: string;
  readonly prefix?: string;
  /** The browser bundle to serve under /lib/. */
  readonly clientBundle?: string;
  readonly extraArgs?: readonly string[];
}

export interface RunningServer {
  /** The base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Newest modification time of the sources the dll is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "bin" || entry.name === "obj" || entry.name === "node_modules") {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestSource(path));
    } else if (/\.(cs|csproj|props|html|js|css)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** Builds the server when its dll is missing or older than its sources (src/ or the project itself). */
export function ensureTestServerBuilt(): void {
  if (existsSync(dll)) {
    const sources = Math.max(
      newestSource(join(repoRoot, "src")),
      newestSource(projectDir),
      statSync(join(repoRoot, "Directory.Build.props")).mtimeMs,
      statSync(join(repoRoot, "Directory.Packages.props")).mtimeMs,
    );
    if (statSync(dll).mtimeMs >= sources) {
      return;
    }
  }
  const build = spawnSync("dotnet", ["build", projectDir, "-c", "Release", "-nologo", "-v", "quiet"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (build.status !== 0) {
    throw new Error(`dotnet build of the test server failed:\n${build.stdout}\n${build.stderr}`);
  }
}

/** Starts one node and resolves once Kestrel reports the address it listens on. */
export function startTestServer(options: TestServerOptions, timeoutMs = 30_000): Promise<RunningServer> {
  mkdirSync(logDir, { recursive: true });
  const args = [dll, "--urls", "http://127.0.0.1:0", "--exit-with-stdin", "true"];
  if (options.redis !== undefined) {
    args.push("--redis", options.redis, "--prefix", options.prefix ?? `ts-${Date.now()}`);
  }
  if (options.clientBundle !== undefined) {
    args.push("--client-bundle", options.clientBundle);
  }
  args.push(...(options.extraArgs ?? []));

  const child = spawn("dotnet", args, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  // Belt and braces with --exit-with-stdin: a runner that exits without teardown still takes the node along.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const logFile = join(logDir, `${options.name}-${child.pid ?? "x"}.log`);
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });

  return new Promise<RunningServer>((resolvePromise, reject) => {
    let output = "";
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`Test server '${options.name}' did not start: ${reason}\n${output}`));
    };
    const timer = setTimeout(() => fail(`no "Now listening on" within ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(error.message));
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal})`));
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /Now listening on: (http:\/\/\S+)/.exec(output);
      if (match === null) {
        return;
      }
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stdout!.off("data", onData);
      resolvePromise({ url: match[1]!.replace(/\/$/, ""), logFile, stop: () => stopChild(child, log) });
    };
    child.stdout!.on("data", onData);
  });
}

async function stopChild(child: ChildProcess, log: NodeJS.WritableStream): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
  log.end();
}

/** Starts several nodes at once; if one fails, stops the others and throws its error. */
export async function startTestServers(options: readonly TestServerOptions[]): Promise<{ servers: RunningServer[]; stopAll(): Promise<void> }> {
  const started = await Promise.allSettled(options.map((o) => startTestServer(o)));
  const servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stopAll = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  const failure = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure !== undefined) {
    await stopAll();
    throw failure.reason;
  }
  return { servers, stopAll };
}
