// The browser bundle for pages without a bundler (the sample app): one ESM file with
// @microsoft/signalr and the MessagePack protocol inside.
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
