// The ChatApp end to end: real app, real browser, two users in two browser contexts.
// New cases: sign users in with ChatPage.signIn, and add selectors to ChatPage rather than here.
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/browser.js";
import { ChatPage, timeout, uniqueText, uniqueUser } from "./support/ChatPage.js";

const app = inject("chatApp");

let browser: Browser;
const open: ChatPage[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  const pages = open.splice(0);
  await Promise.all(pages.map((p) => p.close()));
  for (const page of pages) {
    expect(page.errors, `JavaScript errors on ${page.name}'s page`).toEqual([]);
  }
});

async function signIn(name: string): Promise<ChatPage> {
  const page = await ChatPage.signIn(browser, app, uniqueUser(name));
  open.push(page);
  return page;
}

describe("ChatApp in Chromium", () => {
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

  it("signs two users in, both in the lobby", async () => {
    const [ada, bob] = await Promise.all([signIn("Ada"), signIn("Bob")]);

    for (const user of [ada, bob]) {
      expect((await user.title.textContent())?.trim()).toBe("#lobby");
      await user.room("lobby").waitFor({ timeout });
    }
  });

  it("shows a message from one user to the other, and to its author as theirs", async () => {
    const [ada, bob] = await Promise.all([signIn("Ada"), signIn("Bob")]);
    const text = uniqueText("Hello from Ada");

    await ada.send(text);

    expect(await bob.receive(text)).toEqual({ author: ada.name, text, mine: false });
    expect(await ada.receive(text)).toEqual({ author: ada.name, text, mine: true });
    expect(await bob.message(text).count()).toBe(1);
  });

  it("carries messages both ways in order", async () => {
    const [ada, bob] = await Promise.all([signIn("Ada"), signIn("Bob")]);
    const first = uniqueText("one");
    const second = uniqueText("two");

    await ada.send(first);
    await bob.receive(first);
    await bob.send(second);

    await ada.receive(second);
    const texts = await ada.page.locator("#messages li:not(.notice) .text").allTextContents();
    expect(texts.indexOf(first)).toBeGreaterThanOrEqual(0);
    expect(texts.indexOf(second)).toBeGreaterThan(texts.indexOf(first));
  });

  it("lists who is online and drops a user who leaves", async () => {
    const ada = await signIn("Ada");
    const bob = await signIn("Bob");
    const bobId = await bob.id();

    await ada.member(bobId).waitFor({ timeout });
    await bob.member(await ada.id()).waitFor({ timeout });

    open.splice(open.indexOf(bob), 1);
    await bob.close();
    await ada.member(bobId).waitFor({ state: "detached", timeout });
  });

  it("shows the lobby's recent messages to a user who signs in later", async () => {
    const ada = await signIn("Ada");
    const text = uniqueText("Before you came");
    await ada.send(text);
    await ada.receive(text);

    const carol = await signIn("Carol");

    expect(await carol.receive(text)).toEqual({ author: ada.name, text, mine: false });
  });

  it("tells the others who is typing", async () => {
    const [ada, bob] = await Promise.all([signIn("Ada"), signIn("Bob")]);

    await ada.type("Hel");

    await bob.page.waitForFunction((name) => document.getElementById("typing")?.textContent?.includes(name), ada.name, { timeout });
    expect(await ada.typing.textContent()).toBe("");
  });
});

describe("ChatApp direct messages", () => {
  it("shows a direct message to the recipient in the conversation with its author", async () => {
    const [ada, bob] = await Promise.all([signIn("Ada"), signIn("Bob")]);
    const text = uniqueText("Psst, Bob");

    await ada.openDirect(await bob.id());
    await ada.title.filter({ hasText: `@${bob.name}` }).waitFor({ timeout });
    await ada.send(text);
    expect(await ada.receive(text)).toMatchObject({ author: ada.name, mine: true });

    await bob.openDirect(await ada.id());
    expect(await bob.receive(text)).toEqual({ author: ada.name, text, mine: false });
    // Not in the lobby.
    await bob.openRoom("lobby");
    await bob.title.filter({ hasText: "#lobby" }).waitFor({ timeout });
    expect(await bob.message(text).count()).toBe(0);
  });

  it("tells a user about a direct message that arrives while they are in a room", async () => {
    const [ada, bob] = await Promise.all([signIn("Ada"), signIn("Bob")]);

    await ada.openDirect(await bob.id());
    await ada.title.filter({ hasText: `@${bob.name}` }).waitFor({ timeout });
    await ada.send(uniqueText("Are you there?"));

    await bob.notice(`New direct message from ${ada.name}`).waitFor({ timeout });
  });
});
