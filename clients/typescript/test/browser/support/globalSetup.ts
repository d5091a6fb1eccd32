// Makes sure the browser bundle and the test server are built, then starts one in-memory node that serves the
// bundle under /lib/ next to its test page (tests/SignalRChannels.TestServer/wwwroot).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { ensureTestServerBuilt, startTestServer } from "../../integration/support/testServer.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the node serving the test page. */
    pageServer: string;
  }
}

const packageDir = fileURLToPath(new URL("../../..", import.meta.url));
export const bundlePath = join(packageDir, "dist/browser/signalr-channels.js");

function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

/** `npm run build` makes the bundle; a test run on its own rebuilds it when src/ is newer. */
function ensureBundleBuilt(): void {
  if (existsSync(bundlePath) && statSync(bundlePath).mtimeMs >= newest(join(packageDir, "src"))) {
    return;
  }
  const bundle = spawnSync(process.execPath, [join(packageDir, "scripts/bundle.mjs")], { cwd: packageDir, encoding: "utf8" });
  if (bundle.status !== 0) {
    throw new Error(`Bundling the client failed:\n${bundle.stdout}\n${bundle.stderr}`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureBundleBuilt();
  ensureTestServerBuilt();
  const server = await startTestServer({ name: "browser", clientBundle: bundlePath });
  project.provide("pageServer", server.url);
  return () => server.stop();
}
