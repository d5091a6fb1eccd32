// laravel-echo and pusher-js from their browser builds, in headless Chromium, on a page of the server's origin (so
// Echo's default authEndpoint, /broadcasting/auth, is the .NET app): presence with a Node client, events, whispers.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { publish } from "../../../../clients/typescript/test/integration/support/harness.js";
import { Recorder, connectEcho, disconnectAll } from "../support/clients.js";

const require = createRequire(import.meta.url);
const url = inject("nodes").memory;
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

afterAll(async () => {
  await browser?.close();
});

afterEach(() => disconnectAll());

describe("Echo in headless Chromium", () => {
  it("joins a presence channel, receives events and whispers with a Node Echo client", async () => {
    const room = `room.${randomUUID().slice(0, 8)}`;
    const page = await browser.newPage();
    try {
      await page.goto(`${url}/`);
      await page.addScriptTag({ path: require.resolve("pusher-js/dist/web/pusher.min.js") });
      // The IIFE build is not in laravel-echo's exports map: found next to its main build.
      await page.addScriptTag({ path: join(dirname(require.resolve("laravel-echo")), "echo.iife.js") });
      await page.evaluate(
        ({ room, port }) => {
          const w = window as unknown as Record<string, unknown> & { Echo: { default: new (o: object) => any } };
          const seen: { here?: unknown; joining: unknown[]; events: unknown[]; whispers: unknown[] } = { joining: [], events: [], whispers: [] };
          w.seen = seen;
          const echo = new w.Echo.default({
            broadcaster: "reverb",
            key: "test-key",
            wsHost: "127.0.0.1",
            wsPort: port,
            forceTLS: false,
            enabledTransports: ["ws"],
            bearerToken: "page;Page",
          });
          w.room = echo
            .join(room)
            .here((members: unknown) => (seen.here = members))
            .joining((member: unknown) => seen.joining.push(member))
            .listen(".message", (e: unknown) => seen.events.push(e))
            .listenForWhisper("typing", (e: unknown) => seen.whispers.push(e));
        },
        { room, port: Number(new URL(url).port) },
      );
      const seen = () => page.evaluate(() => (window as unknown as { seen: { here?: unknown; joining: unknown[]; events: unknown[]; whispers: unknown[] } }).seen);
      await page.waitForFunction(() => (window as unknown as { seen: { here?: unknown } }).seen.here !== undefined, undefined, { timeout: 10_000 });
      expect((await seen()).here).toEqual([{ name: "Page" }]);

      const node = await connectEcho(url, { user: { id: "node", name: "Node" } });
      const nodeWhispers = new Recorder<unknown>();
      const nodeHere = new Recorder<unknown[]>();
      const nodeRoom = node.join(room).here(nodeHere.add).listenForWhisper("typing", nodeWhispers.add);
      expect((await nodeHere.count(1))[0]).toHaveLength(2);
      await page.waitForFunction(() => (window as unknown as { seen: { joining: unknown[] } }).seen.joining.length === 1, undefined, { timeout: 10_000 });

      await publish(url, `presence-${room}`, "message", { text: "to the browser" });
      nodeRoom.whisper("typing", { from: "node" });
      await page.waitForFunction(
        () => {
          const s = (window as unknown as { seen: { events: unknown[]; whispers: unknown[] } }).seen;
          return s.events.length === 1 && s.whispers.length === 1;
        },
        undefined,
        { timeout: 10_000 },
      );
      const final = await seen();
      expect(final.joining).toEqual([{ name: "Node" }]);
      expect(final.events).toEqual([{ text: "to the browser" }]);
      expect(final.whispers).toEqual([{ from: "node" }]);

      await page.evaluate(() => (window as unknown as { room: { whisper(e: string, d: object): void } }).room.whisper("typing", { from: "page" }));
      expect((await nodeWhispers.count(1))[0]).toEqual({ from: "page" });
    } finally {
      await page.close();
    }
  });
});
