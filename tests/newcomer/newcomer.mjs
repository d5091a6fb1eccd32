// The newcomer's checks, run by run.sh from a folder outside the repository where the packed npm package is
// installed: the packed TypeScript client in Node and in headless Chromium against the app made by
// `dotnet new channels-app` and the app pasted from the README. Prints "ok - …" / "not ok - …" per check and
// "N passed, N failed" last; exits non-zero on any failure.
//   node newcomer.mjs <template app url> <readme app url>
import { ChannelsClient, LogLevel } from "@signalr-channels/client";
import { chromium } from "playwright-core";

const [templateUrl, readmeUrl] = process.argv.slice(2);
const timeoutMs = 15_000;
let passed = 0;
let failed = 0;
const clients = [];

async function check(name, body) {
  try {
    await within(body(), name);
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}: ${error?.stack ?? error}`);
  }
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** Resolves with the first value `register` hands to its callback that satisfies `predicate`. */
function next(register, predicate = () => true) {
  return new Promise((resolve) => register((...values) => predicate(...values) && resolve(values)));
}

function node(url, options) {
  const client = new ChannelsClient({ url, logger: LogLevel.None, ...options });
  clients.push(client);
  return client;
}

async function post(url, headers = {}, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...(body !== undefined && { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert(response.ok, `POST ${url}: HTTP ${response.status}`);
  return response;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  timeout: 30_000,
});

// ---- the app from `dotnet new channels-app` -------------------------------------------------------------------
{
  const hub = `${templateUrl}/hubs/chat`;
  const token = (await (await post(`${templateUrl}/token`, {}, { name: "Nina" })).json()).accessToken;
  const nina = node(hub, { accessTokenFactory: () => token });
  const messages = [];
  const notices = [];
  const lobby = nina.join("chat.lobby").listen("message", (m) => messages.push(m));
  const inbox = nina.private("notifications.nina").listen("notice", (n) => notices.push(n.text));

  await check("template app: Node signs in with a bearer token (access_token) and subscribes its private and presence channels", async () => {
    const here = next((cb) => lobby.here(cb));
    await nina.start();
    const [members] = await here;
    assert(members.some((m) => m.id === "nina" && m.info.name === "Nina"), `here: ${JSON.stringify(members)}`);
    assert(inbox.state === "subscribed", `private channel: ${inbox.state}`);
  });

  await check("template app: another user's private channel is forbidden", async () => {
    const [error] = await next((cb) => nina.private("notifications.someone-else").error(cb));
    assert(error.code === "forbidden", `code ${error.code}`);
  });

  await check("template app: a hub method publishes to the presence room (history keeps it)", async () => {
    await nina.invoke("SendMessage", "lobby", "hello from node");
    await vWait(() => messages.some((m) => m.text === "hello from node" && m.user === "Nina"), "Nina's message");
  });

  const page = await (await browser.newContext()).newPage();
  await check("template app: the page signs in with a cookie, joins the room and sees who is here and the history", async () => {
    await page.goto(templateUrl);
    await page.fill("#name", "Ada");
    await page.click("#login button");
    await page.waitForFunction(() => document.querySelector("#state")?.textContent === "connected", null, { timeout: timeoutMs });
    await page.waitForFunction(
      () => [...document.querySelectorAll("#members li")].map((li) => li.textContent).sort().join(",") === "Ada,Nina",
      null,
      { timeout: timeoutMs },
    );
    await page.waitForFunction(() => document.querySelector("#messages")?.textContent?.includes("hello from node"), null, { timeout: timeoutMs });
  });

  await check("template app: a message sent from the page reaches Node", async () => {
    await page.fill("#text", "hello from the page");
    await page.click("#send button");
    await vWait(() => messages.some((m) => m.text === "hello from the page" && m.user === "Ada"), "Ada's message");
  });

  await check("template app: an HTTP publish reaches the page's private channel", async () => {
    await post(`${templateUrl}/notify/ada`, { Authorization: `Bearer ${token}` }, { text: "your order shipped" });
    await page.waitForFunction(() => document.querySelector("#notices")?.textContent?.includes("your order shipped"), null, { timeout: timeoutMs });
  });

  await check("template app: X-Socket-ID leaves the sender out (toOthers)", async () => {
    await post(`${templateUrl}/notify/nina`, { Authorization: `Bearer ${token}`, "X-Socket-ID": nina.socketId() }, { text: "not for me" });
    await post(`${templateUrl}/notify/nina`, { Authorization: `Bearer ${token}` }, { text: "for me" });
    await vWait(() => notices.includes("for me"), "the second notice");
    assert(!notices.includes("not for me"), `notices: ${notices}`);
  });
}

// ---- the README's Program.cs pasted into `dotnet new web` --------------------------------------------------------
{
  const hub = `${readmeUrl}/hubs/chat`;
  const login = await post(`${readmeUrl}/login?name=rita`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const rita = node(hub, { headers: { Cookie: cookie } });
  const shipped = [];
  const chatMessages = [];
  const orders = rita.private("orders.42").listen("OrderShipped", (e) => shipped.push(e.orderId));
  const chat = rita.join("chat.1").listen("message", (m) => chatMessages.push(m.text));

  await check("README app: Node signs in with the cookie and subscribes private-orders.42 and presence-chat.1", async () => {
    const here = next((cb) => chat.here(cb));
    await rita.start();
    const [members] = await here;
    assert(members.some((m) => m.id === "rita"), `here: ${JSON.stringify(members)}`);
    assert(orders.state === "subscribed", `private channel: ${orders.state}`);
  });

  await check("README app: an anonymous client is refused the presence channel (forbidden, not an error)", async () => {
    const anonymous = node(hub);
    const refused = next((cb) => anonymous.join("chat.1").error(cb));
    await anonymous.start();
    const [error] = await refused;
    assert(error.code === "forbidden", `code ${error.code}`);
  });

  // A page in the app's wwwroot, with the packed client's browser build beside it (run.sh puts them there).
  const page = await (await browser.newContext()).newPage();

  await check("README app: a page signs in with a cookie, joins both channels with the browser build and receives a publish", async () => {
    await page.goto(`${readmeUrl}/`);
    const ready = page.evaluate(async () => {
      await fetch("/login?name=ravi", { method: "POST" });
      const { ChannelsClient } = await import("/lib/signalr-channels.js");
      const client = new ChannelsClient({ url: "/hubs/chat" });
      const seen = (window.seen = { shipped: [], members: [] });
      client.private("orders.42").listen("OrderShipped", (e) => seen.shipped.push(e.orderId));
      client.join("chat.1").here((members) => (seen.members = members.map((m) => m.id)));
      window.client = client;
      await client.start();
      return seen.members;
    });
    const members = await ready;
    assert(members.includes("ravi") && members.includes("rita"), `here in the page: ${members}`);
    await post(`${readmeUrl}/orders/42/ship`, { Cookie: cookie });
    await page.waitForFunction(() => window.seen.shipped.includes(42), null, { timeout: timeoutMs });
    await vWait(() => shipped.includes(42), "OrderShipped in Node");
  });

  await check("README app: ChatHub.SendMessage publishes on the routed presence channel", async () => {
    await page.evaluate(() => window.client.invoke("SendMessage", "1", "hi from the browser"));
    await vWait(() => chatMessages.includes("hi from the browser"), "the chat message in Node");
  });
}

/** Waits for a condition on values that listeners fill, looking again every 20 ms, for at most the check's timeout. */
async function vWait(condition, what) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

await Promise.allSettled(clients.map((c) => c.disconnect()));
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
