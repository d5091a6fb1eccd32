// A real nginx (the Debian package's binary) in front of test servers, started by a test with its own configuration
// and prefix in a temporary directory, on a free loopback port, in the foreground: never the system service. The
// configuration is the template the .NET scale-out tests use (tests/SignalRChannels.ScaleOutTests/nginx.conf.template).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect as connectTcp, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { within } from "./harness.js";
import { repoRoot } from "./testServer.js";

export interface NginxOptions {
  /** Base URLs of the nodes (http://127.0.0.1:port). */
  readonly upstreams: readonly string[];
  /** Pin each client address to one node (ip_hash), the affinity negotiated transports need. */
  readonly ipHash?: boolean;
  /** Terminate TLS with this certificate and key (PEM files); the nodes stay plain HTTP. */
  readonly tls?: { readonly certificateFile: string; readonly keyFile: string };
}

export interface RunningNginx {
  /** http(s)://127.0.0.1:<port>, no trailing slash. */
  readonly url: string;
  stop(): Promise<void>;
}

const binary = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].find((path) => existsSync(path));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function render(directory: string, port: number, options: NginxOptions): string {
  const servers = options.upstreams
    .map((url) => `        server 127.0.0.1:${new URL(url).port} max_fails=1 fail_timeout=10s;`)
    .join("\n");
  const listen =
    options.tls === undefined
      ? `        listen 127.0.0.1:${port};`
      : [
          `        listen 127.0.0.1:${port} ssl;`,
          `        ssl_certificate ${options.tls.certificateFile};`,
          `        ssl_certificate_key ${options.tls.keyFile};`,
          "        ssl_protocols TLSv1.2 TLSv1.3;",
        ].join("\n");
  return readFileSync(join(repoRoot, "tests/SignalRChannels.ScaleOutTests/nginx.conf.template"), "utf8")
    .replaceAll("{{USER}}", userInfo().uid === 0 ? "user root;" : "")
    .replaceAll("{{DIR}}", directory)
    .replaceAll("{{BALANCING}}", options.ipHash === true ? "ip_hash;" : "# round robin, no affinity")
    .replaceAll("{{SERVERS}}", servers)
    .replaceAll("{{LISTEN}}", listen);
}

/** Starts nginx and resolves once it accepts connections. */
export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  if (binary === undefined) {
    throw new Error("nginx is not installed: apt-get install -y nginx (./test.sh installs it)");
  }
  const directory = mkdtempSync(join(tmpdir(), "ts-nginx-"));
  mkdirSync(join(directory, "temp"));
  const port = await freePort();
  const configuration = join(directory, "nginx.conf");
  writeFileSync(configuration, render(directory, port, options));
  const child: ChildProcess = spawn(
    binary,
    ["-p", directory, "-c", configuration, "-e", join(directory, "error.log"), "-g", "daemon off;"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    rmSync(directory, { recursive: true, force: true });
  };

  // nginx says nothing when it is ready: poll its port (or notice that it exited).
  const ready = (async () => {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`nginx exited: ${output}`);
      }
      if (await accepts(port)) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    await within(ready, "nginx to listen");
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}`, stop };
}
