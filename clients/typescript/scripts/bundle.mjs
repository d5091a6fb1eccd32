// The browser bundle for pages without a bundler (the sample app): one ESM file with
// @microsoft/signalr and the MessagePack protocol inside.
import { writeFileSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
  outfile: new URL("../dist/browser/signalr-channels.js", import.meta.url).pathname,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  sourcemap: true,
  minify: true,
  legalComments: "linked",
  logLevel: "warning",
});

// The bundle exports exactly what the main entry does, so it shares its declarations.
writeFileSync(
  new URL("../dist/browser/signalr-channels.d.ts", import.meta.url),
  'export * from "../index.js";\n',
);
