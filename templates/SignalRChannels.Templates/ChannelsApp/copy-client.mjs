// The page has no bundler: it loads the client's single-file browser build, copied here after `npm install`.
import { cpSync } from "node:fs";

cpSync("node_modules/@signalr-channels/client/dist/browser", "wwwroot/lib/signalr-channels", { recursive: true });
