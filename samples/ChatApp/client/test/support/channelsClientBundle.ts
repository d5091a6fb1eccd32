// The TypeScript client package as one ES module, for pages that play a user who calls the hub on their own
// (a curious user with the library in the devtools console), beyond what the ChatApp's page would do.
import { join } from "node:path";
import { build } from "esbuild";
import { repoRoot } from "./chatApp.js";

let bundle: Promise<string> | undefined;

/** The global name the bundle's exports are under once it runs in a page. */
export const channelsClientGlobal = "SignalRChannelsClient";

/**
 * The source of `@signalr-channels/client` (clients/typescript/src) bundled with @microsoft/signalr as a classic
 * script that puts its exports on `window.SignalRChannelsClient`.
 */
export function channelsClientBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(repoRoot, "clients/typescript/src/index.ts")],
    bundle: true,
    format: "iife",
    globalName: channelsClientGlobal,
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "warning",
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}
