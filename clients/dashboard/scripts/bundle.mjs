// Bundles src/dashboard.ts (with the TypeScript client and @microsoft/signalr) into the asset the SignalRChannels
// assembly embeds. The output is committed so `dotnet build` needs no npm; test/bundle.test.ts fails when it is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const assetPath = fileURLToPath(new URL("../../../src/SignalRChannels/Dashboard/Assets/dashboard.js", import.meta.url));

/** The bundle as text, built in memory (the same options every time, so the output is reproducible). */
export async function bundleDashboard() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("../src/dashboard.ts", import.meta.url))],
    // The client's sources, as the repository has them (not a published build that could lag behind).
    alias: { "@signalr-channels/client": fileURLToPath(new URL("../../typescript/src/index.ts", import.meta.url)) },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    legalComments: "eof",
    charset: "utf8",
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles[0].text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(assetPath, await bundleDashboard());
  console.log(`wrote ${assetPath}`);
}
