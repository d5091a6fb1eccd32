// Builds the ChatApp when needed and runs it as a child process on a free port.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest folder above this file that holds samples/ChatApp (also from a bundled copy). */
function findRepoRoot(): string {
  let dir = fileURLToPath(new URL(".", import.meta.url));
  while (!existsSync(join(dir, "samples/ChatApp/ChatApp.csproj"))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`No samples/ChatApp above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
const appDir = join(repoRoot, "samples/ChatApp");
const dll = join(appDir, "bin/Release/net10.0/ChatApp.dll");
const pageBundle = join(appDir, "wwwroot/js/app.js");

export interface RunningApp {
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

function newest(dir: string, pattern: RegExp): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "bin" || entry.name === "obj" || entry.name === "node_modules" || entry.name === "wwwroot" || entry.name === "test") {
      continue;
    }
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path, pattern) : pattern.test(entry.name) ? statSync(path).mtimeMs : 0);
  }
  return time;
}

/**
 * `dotnet build samples/ChatApp -c Release` when the dll or the page bundle is missing or older than their
 * sources; the build also bundles the page (client/src and the TypeScript client) into wwwroot/js/app.js.
 */
export function ensureChatAppBuilt(): void {
  if (existsSync(dll) && existsSync(pageBundle)) {
    const server = Math.max(newest(appDir, /\.(cs|csproj|json)$/), newest(join(repoRoot, "src"), /\.(cs|csproj)$/));
    const page = Math.max(newest(join(appDir, "client/src"), /\.ts$/), newest(join(repoRoot, "clients/typescript/src"), /\.ts$/));
    if (statSync(dll).mtimeMs >= server && statSync(pageBundle).mtimeMs >= page) {
      return;
    }
  }
  const build = spawnSync("dotnet", ["build", appDir, "-c", "Release", "-nologo", "-v", "quiet"], { cwd: repoRoot, encoding: "utf8" });
  if (build.status !== 0) {
    throw new Error(`dotnet build of the ChatApp failed:\n${build.stdout}\n${build.stderr}`);
  }
}

export interface StartOptions {
  /** Extra environment variables, e.g. `ConnectionStrings__Redis`, `Channels__RedisPrefix`, `TMPDIR`. */
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

/** Starts the app (content root samples/ChatApp, so wwwroot is served) and waits until it listens. */
export function startChatApp({ env = {}, timeoutMs = 30_000 }: StartOptions = {}): Promise<RunningApp> {
  const logDir = join(repoRoot, "artifacts/test-servers");
  mkdirSync(logDir, { recursive: true });
  const child = spawn("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--contentRoot", appDir], {
    cwd: appDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // A runner that exits without teardown still takes the app along.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const logFile = join(logDir, `chatapp-${child.pid ?? "x"}.log`);
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };

  return new Promise<RunningApp>((resolvePromise, reject) => {
    let output = "";
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`The ChatApp did not start: ${reason}\n${output}`));
    };
    const timer = setTimeout(() => fail(`no "Now listening on" within ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(error.message));
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal})`));
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /Now listening on: (http:\/\/\S+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        child.stdout!.off("data", onData);
        resolvePromise({ url: match[1]!.replace(/\/$/, ""), logFile, stop });
      }
    };
    child.stdout!.on("data", onData);
  });
}
