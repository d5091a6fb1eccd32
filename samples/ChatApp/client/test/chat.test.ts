// The ChatApp end to end: real app, real headless Chromium, each user in a browser context of their own.
// The same cases run on every topology (support/topologies.ts): one in-memory instance, and two instances on one
// Redis with the users spread over them (first user on the first instance, second on the second, ...).
// New cases: sign users in with `signIn`, and add selectors to ChatPage rather than here.
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/browser.js";
import { ChatPage, timeout, uniqueText, uniqueUser } from "./support/ChatPage.js";
import { dashboardAdmin } from "./support/globalSetup.js";
import { topologies } from "./support/topologies.js";

const addresses = inject("chatTopologies");

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** The pages a test opened: closed after it, and none may have thrown. */
function pageTracker() {
  const pages: ChatPage[] = [];
  afterEach(async () => {
    const opened = pages.splice(0);
    await Promise.all(opened.map((p) => p.close()));
    for (const page of opened) {
      expect(page.errors, `JavaScript errors on ${page.name}'s page`).toEqual([]);
    }
  });
  return <T extends ChatPage>(page: T): T => {
    pages.push(page);
    return page;
  };
}

describe("ChatApp sign-in", () => {
  const track = pageTracker();
  const app = inject("chatApp");

  it("shows the sign-in form to a visitor", async () => {
    const context = await browser.newContext({ baseURL: app });
    try {
      const page = await context.newPage();
      await page.goto("/");
      await page.locator("#login-form").waitFor({ timeout });
      expect(await page.locator("#app").isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("refuses a blank display name with a message", async () => {
    const context = await browser.newContext({ baseURL: app });
    try {
      const page = await context.newPage();
      await page.goto("/");
      await page.locator("#login-name").fill("   ");
      await page.locator("#login-form").getByRole("button").click();
      await page.locator("#login-error").filter({ hasText: "Choose a display name" }).waitFor({ timeout });
      expect(await page.locator("#app").isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("signs a user in through the form and connects", async () => {
    const ada = track(await ChatPage.signIn(browser, app, uniqueUser("Ada"), { form: true }));

    expect(await ada.page.locator("#me").textContent()).toBe(ada.name);
    expect(await ada.memberNames()).toContain(`${ada.name} (you)`);
    await ada.page.waitForFunction(() => /^\d+ ms$/.test(document.getElementById("status-rtt")?.textContent ?? ""), null, { timeout });
  });
});

describe("ChatApp monitoring", () => {
  const track = pageTracker();
  const app = inject("chatApp");

  it("exports the SignalRChannels meter for Prometheus at /metrics and keeps /channels-api from non-admins", async () => {
    const ada = track(await ChatPage.signIn(browser, app, uniqueUser("Ada")));
    expect(await ada.memberNames()).toContain(`${ada.name} (you)`);

    const metrics = await (await fetch(`${app}/metrics`)).text();
    expect(metrics).toMatch(/^signalrchannels_connections\{[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^signalrchannels_subscriptions\{[^}]*channel_pattern="chat\.\{room\}"[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^signalrchannels_io_bytes_total\{[^}]*network_io_direction="transmit"[^}]*\} [1-9]/m);
    expect(await ada.page.evaluate(async () => (await fetch("/channels-api/channels")).status)).toBe(403);
    expect((await fetch(`${app}/channels-api/channels`)).status).toBe(401);
    expect(await ada.page.evaluate(async () => (await fetch("/channels-dashboard")).status)).toBe(403);
    expect((await fetch(`${app}/channels-dashboard`)).status).toBe(401);
  });

  it("shows the live dashboard to an admin, counting the users in the lobby", async () => {
    const admin = track(await ChatPage.signIn(browser, app, dashboardAdmin));
    const dashboard = await admin.page.context().newPage();
    try {
      await dashboard.goto("/channels-dashboard");
      await dashboard.locator('#status[data-state="live"]').waitFor({ timeout });
      // The admin's chat tab is in the lobby (a presence channel): the busiest presence channels list it.
      await dashboard.locator("#presence-table tbody tr").filter({ hasText: "presence-chat.lobby" }).waitFor({ timeout });
      await dashboard.waitForFunction(() => Number(document.getElementById("connections")?.textContent) >= 2, null, { timeout });
    } finally {
      await dashboard.close();
    }
  });
});

describe.each(topologies)("ChatApp on $title", ({ name: topology }) => {
  const track = pageTracker();
  let urls: readonly string[] = [];

  beforeAll(() => {
    const address = addresses[topology];
    if ("error" in address) {
      throw new Error(`The ${topology} topology did not start: ${address.error}`);
    }
    urls = address.urls;
  });

  /** The instance the n-th user (from 0) signs in on. */
  const instance = (n: number) => urls[n % urls.length]!;

  /** Signs users in at once, spread over the instances in the order given. */
  function signIn<const Names extends readonly string[]>(...names: Names): Promise<{ -readonly [K in keyof Names]: ChatPage }> {
    return Promise.all(names.map(async (name, n) => track(await ChatPage.signIn(browser, instance(n), uniqueUser(name))))) as Promise<{
      -readonly [K in keyof Names]: ChatPage;
    }>;
  }

  /** Signs one user in on the n-th instance. */
  async function signInOn(n: number, name: string): Promise<ChatPage> {
    return track(await ChatPage.signIn(browser, instance(n), uniqueUser(name)));
  }

  describe("rooms", () => {
    it("lists two users at each other in the lobby", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");

      for (const [me, other] of [
        [ada, bob],
        [bob, ada],
      ] as const) {
        expect(await me.title.textContent()).toBe("#lobby");
        await me.member(await other.id()).waitFor({ timeout });
        const names = await me.memberNames();
        expect(names).toContain(`${me.name} (you)`);
        expect(names).toContain(other.name);
      }
    });

    it("lists a user with two tabs once, and only says they left when the last tab closes", async () => {
      // Dan closes his app right after Ada closes her first tab: his leave notice tells Bob that the server has
      // handled that moment, so Ada's absence of one is meaningful.
      const [ada, bob, dan] = await signIn("Ada", "Bob", "Dan");
      const adaId = await ada.id();
      await bob.member(adaId).waitFor({ timeout });
      const joinsBefore = await bob.notice(`${ada.name} joined`).count();

      // The second tab is on the other instance when there are two.
      const second = track(await ada.newTab(instance(1)));
      const hello = uniqueText("Hello from my other tab");
      await second.say(hello);
      await bob.receive(hello);

      expect(await bob.member(adaId).count()).toBe(1);
      expect(await second.member(adaId).count()).toBe(1);
      expect(await bob.notice(`${ada.name} joined`).count()).toBe(joinsBefore);

      await ada.closeTab();
      await dan.close();
      await bob.notice(`${dan.name} left #lobby`).waitFor({ timeout });
      expect(await bob.member(adaId).count()).toBe(1);
      expect(await bob.notice(`${ada.name} left`).count()).toBe(0);

      await second.close();
      await bob.notice(`${ada.name} left #lobby`).waitFor({ timeout });
      await bob.member(adaId).waitFor({ state: "detached", timeout });
    });

    it("shows a message from one user to the other, and to its author as theirs", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");
      const text = uniqueText("Hello from Ada");

      await ada.send(text);

      expect(await bob.receive(text)).toEqual({ author: ada.name, text, mine: false });
      expect(await ada.receive(text)).toEqual({ author: ada.name, text, mine: true });
      expect(await bob.message(text).count()).toBe(1);
    });

    it("carries messages both ways in order", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");
      const first = uniqueText("one");
      const second = uniqueText("two");

      await ada.send(first);
      await bob.receive(first);
      await bob.send(second);

      await ada.receive(second);
      const texts = await ada.messageTexts();
      expect(texts.indexOf(first)).toBeGreaterThanOrEqual(0);
      expect(texts.indexOf(second)).toBeGreaterThan(texts.indexOf(first));
    });

    it("tells the others who is typing, and stops when the message arrives", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");

      await ada.type("Hel");

      await bob.typingShows(`${ada.name} is typing…`);
      expect(await ada.typing.textContent()).toBe("");

      const text = uniqueText("Hello");
      await ada.send(text);
      await bob.receive(text);
      await bob.typingShows("");
    });

    it("shows the recent messages again after a reload, in order and once each", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");
      const texts = [uniqueText("First"), uniqueText("Second"), uniqueText("Third")];
      for (const text of texts) {
        await ada.say(text);
      }
      await bob.receive(texts[2]!);

      await Promise.all([ada.reload(), bob.reload()]);

      for (const user of [ada, bob]) {
        await user.receive(texts[2]!);
        expect((await user.messageTexts()).filter((text) => texts.includes(text)), `${user.name}'s lobby`).toEqual(texts);
      }
      expect(await ada.receive(texts[0]!)).toEqual({ author: ada.name, text: texts[0], mine: true });
      expect(await bob.receive(texts[0]!)).toEqual({ author: ada.name, text: texts[0], mine: false });
    });

    it("shows the lobby's recent messages to a user who signs in later", async () => {
      const ada = await signInOn(0, "Ada");
      const text = uniqueText("Before you came");
      await ada.say(text);

      const carol = await signInOn(1, "Carol");

      expect(await carol.receive(text)).toEqual({ author: ada.name, text, mine: false });
    });

    it("tells the others when a user closes the app, and drops them from the list", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");
      const bobId = await bob.id();
      await ada.member(bobId).waitFor({ timeout });

      await bob.close();

      await ada.notice(`${bob.name} left #lobby`).waitFor({ timeout });
      await ada.member(bobId).waitFor({ state: "detached", timeout });
    });
  });

  describe("direct messages", () => {
    it("shows a direct message to the recipient in the conversation with its author, not in the room", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");
      const text = uniqueText("Psst, Bob");

      await ada.openDirect(await bob.id(), bob.name);
      await ada.send(text);
      expect(await ada.receive(text)).toMatchObject({ author: ada.name, mine: true });

      await bob.openDirect(await ada.id(), ada.name);
      expect(await bob.receive(text)).toEqual({ author: ada.name, text, mine: false });
      await bob.openRoom("lobby");
      expect(await bob.message(text).count()).toBe(0);
    });

    it("tells a user about a direct message that arrives while they are in a room", async () => {
      const [ada, bob] = await signIn("Ada", "Bob");

      await ada.openDirect(await bob.id(), bob.name);
      await ada.send(uniqueText("Are you there?"));

      await bob.notice(`New direct message from ${ada.name}`).waitFor({ timeout });
    });

    it("reaches only its recipient: a third user in the same room gets neither the message nor the notice", async () => {
      const [ada, bob, carol] = await signIn("Ada", "Bob", "Carol");
      const [bobId, carolId] = await Promise.all([bob.id(), carol.id()]);
      await ada.member(carolId).waitFor({ timeout });
      const secret = uniqueText("Just between us");

      await ada.openDirect(bobId, bob.name);
      await ada.say(secret);
      await bob.notice(`New direct message from ${ada.name}`).waitFor({ timeout });
      await bob.openDirect(await ada.id(), ada.name);
      await bob.receive(secret);

      // Ada then speaks in the lobby: once Carol has that, she would have had the direct message and its notice.
      await ada.openRoom("lobby");
      const after = uniqueText("Back in the lobby");
      await ada.say(after);
      await carol.receive(after);

      expect(await carol.message(secret).count()).toBe(0);
      expect(await carol.notice("New direct message").count()).toBe(0);
      expect(await carol.page.content()).not.toContain(secret);
      await carol.openDirect(await ada.id(), ada.name);
      expect(await carol.message(secret).count()).toBe(0);
    });

    it("does not let a third user subscribe to another pair's conversation or read its history", async () => {
      const [ada, bob, carol] = await signIn("Ada", "Bob", "Carol");
      const [adaId, bobId] = await Promise.all([ada.id(), bob.id()]);
      const conversation = adaId < bobId ? `dm.${adaId}.${bobId}` : `dm.${bobId}.${adaId}`;
      await ada.openDirect(bobId, bob.name);
      await ada.say(uniqueText("Only for Bob"));

      // The same attempt succeeds for Bob, so a refusal for Carol is the authorization at work. History is for
      // subscribers only, and the refused subscription leaves Carol without one.
      expect(await bob.tryToRead(conversation)).toEqual({ subscribe: "subscribed", history: "read 1" });
      expect(await carol.tryToRead(conversation)).toEqual({ subscribe: "forbidden", history: "not_subscribed" });
    });
  });
});
