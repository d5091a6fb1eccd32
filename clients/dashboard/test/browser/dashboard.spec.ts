// The dashboard end to end: two nodes on one Redis, the page in headless Chromium on node A (signed in through the
// test-token cookie with role ops), and a scripted scenario of TypeScript clients on both nodes. The page must show
// the scenario's numbers, cluster-wide, and its charts must move as clients connect and publish.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { ChannelsClient, LogLevel } from "@signalr-channels/client";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const [nodeA, nodeB] = inject("dashboardNodes");
const timeout = 15_000;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../../..");

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    timeout: 30_000,
  });
});

afterAll(async () => {
  await browser?.close();
});

async function signedIn(baseUrl: string, token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 720 } });
  // ASP.NET Core unescapes cookie values; a raw ";" is not allowed in one.
  await context.addCookies([{ name: "test-token", value: encodeURIComponent(token), url: baseUrl }]);
  return context;
}

function text(page: Page, id: string): Promise<string> {
  return page.locator(`#${id}`).innerText();
}

/** Waits until the element's text is `expected`. */
async function shows(page: Page, id: string, expected: string): Promise<void> {
  await page.waitForFunction(([i, e]) => document.getElementById(i!)?.textContent === e, [id, expected], { timeout });
}

/** The chart's data attributes: points, each series' last value and peak, and its first path. */
async function chart(page: Page, id: string): Promise<{ points: number; last: (number | null)[]; peaks: number[]; path: string }> {
  return page.evaluate((i) => {
    const svg = document.getElementById(i)!;
    return {
      points: Number(svg.dataset.points ?? 0),
      last: JSON.parse(svg.dataset.last ?? "[]") as (number | null)[],
      peaks: JSON.parse(svg.dataset.peaks ?? "[]") as number[],
      path: svg.querySelector("path.series")?.getAttribute("d") ?? "",
    };
  }, id);
}

/** Waits until the connections chart has `more` points beyond `after`: samples taken after everything before. */
async function samplesAfter(page: Page, after: number, more = 2): Promise<number> {
  const handle = await page.waitForFunction(
    (n) => {
      const points = Number(document.getElementById("chart-connections")?.dataset.points ?? 0);
      return points >= n ? points : false;
    },
    after + more,
    { timeout },
  );
  return (await handle.jsonValue()) as number;
}

function sinceOpened(value: string): number {
  return Number(value.replace(/[^0-9]/g, ""));
}

async function connect(url: string, user: string): Promise<ChannelsClient> {
  const client = new ChannelsClient({ url: `${url}/hubs/test`, accessTokenFactory: () => `${user};${user}`, heartbeatIntervalMs: 200, reconnect: false, logger: LogLevel.Warning });
  await client.start();
  return client;
}

describe("channels dashboard", () => {
  it("shows the cluster's live numbers and moves its charts as clients connect and publish", async () => {
    const context = await signedIn(nodeA, "ops;Ops;ops");
    const clients: ChannelsClient[] = [];
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("request", (request) => requests.push(request.url()));
      await page.goto("/channels-dashboard");
      await page.locator('#status[data-state="live"]').waitFor({ timeout });

      // Before the scenario: two nodes, the page's own connection, nothing occupied but the page's channel.
      await shows(page, "nodes-count", "2");
      await shows(page, "connections", "1");
      await shows(page, "occupied", "0");
      await shows(page, "watchers", "1 watching this dashboard");
      const before = await chart(page, "chart-connections");
      expect(before.points).toBeGreaterThan(0);
      expect(before.last).toEqual([1]);

      // The scenario: Alice on A, Bob and Carol on B, all in one presence room; Alice and Bob read the news.
      const room = `room.${randomUUID().slice(0, 8)}`;
      const news = `news-${randomUUID().slice(0, 8)}`;
      clients.push(await connect(nodeA, "alice"), await connect(nodeB, "bob"), await connect(nodeB, "carol"));
      const [alice, bob, carol] = clients as [ChannelsClient, ChannelsClient, ChannelsClient];
      await Promise.all(clients.map((c) => c.join(room).whenSubscribed()));
      await Promise.all([alice, bob].map((c) => c.channel(news).whenSubscribed()));

      await shows(page, "connections", "4");
      await shows(page, "occupied", "2");
      await shows(page, "subscriptions", "5");
      await shows(page, "channel-kinds", "1 public · 0 private · 1 presence");
      await shows(page, "present-users", "3");
      await page.locator("#presence-table tbody tr").filter({ hasText: `presence-${room}` }).filter({ hasText: "3" }).waitFor({ timeout });
      await page.locator("#channels-table tbody tr").filter({ hasText: news }).waitFor({ timeout });
      expect(await page.locator("#nodes-table tbody tr").count()).toBe(2);
      const connected = await chart(page, "chart-connections");
      expect(connected.last).toEqual([4]);
      expect(connected.path).not.toBe(before.path);
      // The clients beat every 200 ms: their round trips reach the page from both nodes.
      await page.waitForFunction(() => /^\d+(\.\d)? ms$/.test(document.getElementById("rtt")?.textContent ?? ""), null, { timeout });
      await page.waitForFunction(() => (JSON.parse(document.getElementById("chart-rtt")?.dataset.peaks ?? "[0]") as number[])[0]! > 0, null, { timeout });

      // Publishes on both nodes: the total since the page opened grows by exactly their number, and the rate chart peaks.
      const settled = await samplesAfter(page, connected.points);
      await samplesAfter(page, settled, 1);
      const published = sinceOpened(await text(page, "published-total"));
      const delivered = sinceOpened(await text(page, "delivered-total"));
      for (const [node, count] of [[nodeA, 30], [nodeB, 20]] as const) {
        const response = await fetch(`${node}/publish-many/${news}/tick/${count}`, { method: "POST" });
        expect(response.status).toBe(200);
      }
      await shows(page, "published-total", `${published + 50} since opened`);
      // Each of the 50 events went to Alice and Bob.
      await page.waitForFunction((d) => Number(document.getElementById("delivered-total")!.textContent!.replace(/[^0-9]/g, "")) >= d + 100, delivered, { timeout });
      await page.waitForFunction(() => (JSON.parse(document.getElementById("chart-rates")?.dataset.peaks ?? "[0]") as number[])[0]! >= 10, null, { timeout });

      // The screenshot of the docs (docs/images/dashboard.png) is this moment: UPDATE_SCREENSHOTS=1 rewrites it.
      mkdirSync(join(repoRoot, "artifacts"), { recursive: true });
      const screenshot = await page.screenshot({ fullPage: true });
      writeFileSync(join(repoRoot, "artifacts/dashboard.png"), screenshot);
      if (process.env.UPDATE_SCREENSHOTS === "1") {
        writeFileSync(join(repoRoot, "docs/images/dashboard.png"), screenshot);
      }

      // Leaving counts too: Carol disconnects.
      await carol.disconnect();
      await shows(page, "connections", "3");
      await shows(page, "present-users", "2");
      expect((await chart(page, "chart-connections")).last).toEqual([3]);

      expect(errors).toEqual([]);
      // Nothing but the node itself: the page, its two assets and its hub connection.
      expect(requests.filter((url) => new URL(url).origin !== new URL(nodeA).origin)).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.disconnect()));
      await context.close();
    }
  });

  it("refuses the page to a user without the policy, and the channel to their client", async () => {
    const context = await signedIn(nodeB, "mallory;Mallory");
    const mallory = new ChannelsClient({ url: `${nodeB}/hubs/test`, accessTokenFactory: () => "mallory;Mallory", reconnect: false, logger: LogLevel.Warning });
    try {
      // With the browser's cookies, as the page would be asked for.
      const response = await context.request.get("/channels-dashboard");
      expect(response.status()).toBe(403);

      await mallory.start();
      const code = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no answer to the subscription")), timeout);
        mallory
          .private("signalrchannels.dashboard")
          .subscribed(() => (clearTimeout(timer), resolve("subscribed")))
          .error((error) => (clearTimeout(timer), resolve(error.code)));
      });
      expect(code).toBe("forbidden");
    } finally {
      await mallory.disconnect();
      await context.close();
    }
  });
});
