// The npm package as a user gets it: `npm pack` (which builds dist/ in prepack), unpacked into a consumer outside
// the workspace, type-checked under each moduleResolution a TypeScript app may use, and run in Node.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const workspaceModules = fileURLToPath(new URL("../../../../node_modules/", import.meta.url));
let work: string;
let consumer: string;
let packed: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "channels-npm-"));
  execFileSync("npm", ["pack", "--pack-destination", work], { cwd: packageDir, stdio: "ignore" });
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  packed = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n");

  consumer = join(work, "consumer");
  const installed = join(consumer, "node_modules", "@signalr-channels", "client");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  // The peer dependencies, as an app would have installed them.
  symlinkSync(join(workspaceModules, "@microsoft"), join(consumer, "node_modules", "@microsoft"), "dir");
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  writeFileSync(
    join(consumer, "consumer.ts"),
    `import { ChannelsClient, LogLevel, NullConnection, type PresenceChannel } from "@signalr-channels/client";
import { ChannelsClient as BundledClient } from "@signalr-channels/client/browser";

interface OrderEvents {
  OrderShipped: { orderId: number };
}
const client = new ChannelsClient({ connection: new NullConnection(), logger: LogLevel.Warning, heartbeatIntervalMs: false });
client.private<OrderEvents>("orders.42").listen("OrderShipped", (e) => e.orderId.toFixed());
// @ts-expect-error: payloads are typed through the package's declarations, not any
client.private<OrderEvents>("orders.42").listen("OrderShipped", (e) => e.orderID);
export const room: PresenceChannel = client.join("chat.1");
export const bundled: typeof BundledClient = ChannelsClient;
`,
  );
}, 240_000);

afterAll(() => {
  if (work !== undefined) {
    rmSync(work, { recursive: true, force: true });
  }
});

describe("the npm package", () => {
  it("holds exactly the built dist/, the sources its maps point to, README, LICENSE and package.json", () => {
    const unexpected = packed.filter((f) => !/^package\/(dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|src\/[^/]+\.ts|README\.md|LICENSE|package\.json)$/.test(f));

    expect(unexpected).toEqual([]);
    expect(packed).toEqual(
      expect.arrayContaining([
        "package/dist/index.js",
        "package/dist/index.d.ts",
        "package/dist/browser/signalr-channels.js",
        "package/dist/browser/signalr-channels.d.ts",
        "package/LICENSE",
      ]),
    );
  });

  it("has types and code for every export", () => {
    const manifest = JSON.parse(readFileSync(join(consumer, "node_modules/@signalr-channels/client/package.json"), "utf8"));
    const entries = Object.entries<string | { types: string; default: string }>(manifest.exports).filter(([key]) => key !== "./package.json");

    expect(entries.map(([key]) => key)).toEqual([".", "./browser"]);
    for (const [, target] of entries) {
      expect(typeof target).toBe("object");
      const { types, default: code } = target as { types: string; default: string };
      expect(existsSync(join(consumer, "node_modules/@signalr-channels/client", types)), types).toBe(true);
      expect(existsSync(join(consumer, "node_modules/@signalr-channels/client", code)), code).toBe(true);
    }
  });

  it.each([
    ["bundler", "esnext"],
    ["nodenext", "nodenext"],
    ["node16", "node16"],
  ])("type-checks in an app under moduleResolution %s", (moduleResolution, module) => {
    const config = `tsconfig.${moduleResolution}.json`;
    writeFileSync(
      join(consumer, config),
      JSON.stringify({
        compilerOptions: { target: "ES2022", lib: ["ES2022", "DOM"], module, moduleResolution, strict: true, noEmit: true, types: [], skipLibCheck: true },
        files: ["consumer.ts"],
      }),
    );
    const tsc = join(workspaceModules, "typescript", "bin", "tsc");

    const result = (() => {
      try {
        return execFileSync(process.execPath, [tsc, "-p", config], { cwd: consumer, encoding: "utf8" });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();

    expect(result).toBe("");
  }, 60_000);

  it("runs in Node: subscribes on a null connection and plays an event", () => {
    const script = `
      import { ChannelsClient, LogLevel, NullConnection } from "@signalr-channels/client";
      const connection = new NullConnection();
      const client = new ChannelsClient({ connection, logger: LogLevel.None });
      const seen = [];
      client.channel("news").listen("headline", (data) => seen.push(data.title));
      await client.start();
      connection.emit({ channel: "news", event: "headline", data: { title: "hello" } });
      let relative = "accepted";
      try { new ChannelsClient({ url: "/hubs/chat" }); } catch (error) { relative = error.constructor.name; }
      console.log(JSON.stringify({ seen, relative, level: LogLevel.Information }));
      await client.disconnect();
    `;

    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer, encoding: "utf8" });

    expect(JSON.parse(output)).toEqual({ seen: ["hello"], relative: "TypeError", level: 2 });
  });
});
