// The browser bundle (dist/browser/signalr-channels.js) loaded by a plain page, in headless Chromium.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { publish, publishMany, uniqueName } from "../integration/support/harness.js";
import { launchChromium } from "./support/browser.js";

const server = inject("pageServer");
const timeout = 10_000;

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await page?.context().close();
  pageErrors.length = 0;
});

/** Opens the test page subscribed to `channels` and waits until every subscription is confirmed. */
async function openPage(channels: readonly string[], params: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext();
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const query = new URLSearchParams(params);
  for (const channel of channels) {
    query.append("channel", channel);
  }
  await page.goto(`${server}/?${query}`);
  for (const channel of channels) {
    await page.locator(`#subscriptions li[data-channel="${channel}"][data-state="subscribed"]`).waitFor({ timeout });
  }
  return page;
}

async function eventTexts(page: Page, channel: string, count: number): Promise<string[]> {
  const items = page.locator(`#events li[data-channel="${channel}"]`);
  await items.nth(count - 1).waitFor({ timeout });
  return items.allTextContents();
}

describe.each([
  { protocol: "json", transport: "webSockets" },
  { protocol: "messagepack", transport: "webSockets" },
  { protocol: "json", transport: "longPolling" },
  { protocol: "json", transport: "serverSentEvents" },
])("the bundled client in Chromium ($protocol over $transport)", ({ protocol, transport }) => {
  it("receives an event published over HTTP on a public channel", async () => {
    const channel = uniqueName("news");
    const page = await openPage([channel], { protocol, transport });
    await expect(page.locator("#state").getAttribute("data-state")).resolves.toBe("connected");

    await publish(server, channel, "headline", { title: "Hello, browser", n: 1 });

    expect(await eventTexts(page, channel, 1)).toEqual([JSON.stringify({ title: "Hello, browser", n: 1 })]);
    expect(await page.locator("#events li").first().getAttribute("data-event")).toBe("headline");
    expect(pageErrors).toEqual([]);
  });
});

describe("the bundled client in Chromium", () => {
  it("delivers a history channel's events in offset order", async () => {
    const channel = uniqueName("history");
    const page = await openPage([channel]);

    await publishMany(server, channel, "tick", 20);

    const items = page.locator(`#events li[data-channel="${channel}"]`);
    await items.nth(19).waitFor({ timeout });
    const offsets = await items.evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.offset)));
    expect(offsets).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("learns its socket id so the server can leave it out (toOthers)", async () => {
    const channel = uniqueName("feed");
    const page = await openPage([channel]);
    const socketId = await (
      await page.waitForFunction(() => document.getElementById("socket-id")?.textContent || undefined, undefined, { timeout })
    ).jsonValue();
    expect(socketId).toMatch(/^\S+$/);

    await publish(server, channel, "post", { n: 1 }, socketId!);
    await publish(server, channel, "post", { n: 2 });

    // Events reach the page in publish order: once it shows 2, it would have shown 1.
    expect(await eventTexts(page, channel, 1)).toEqual([JSON.stringify({ n: 2 })]);
  });

  it("reports a refused private channel with its error code", async () => {
    const context = await browser.newContext();
    page = await context.newPage();
    await page.goto(`${server}/?channel=${encodeURIComponent("private-orders.5000")}&token=${encodeURIComponent("ada;Ada")}`);

    const error = page.locator('#errors li[data-channel="private-orders.5000"]');
    await error.waitFor({ timeout });
    expect(await error.getAttribute("data-code")).toBe("forbidden");
  });
});
