// One signed-in user's tab of the ChatApp. Tests talk to the page through this class only, so when the markup
// changes, the selectors change here. It relies on the stable ids of wwwroot/index.html.
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { channelsClientBundle, channelsClientGlobal } from "./channelsClientBundle.js";

export const timeout = 10_000;

/** A display name no other test uses, e.g. `Ada 1a2b3c`. */
export function uniqueUser(name: string): string {
  return `${name} ${randomUUID().slice(0, 6)}`;
}

/** A message text no other test uses. */
export function uniqueText(text: string): string {
  return `${text} [${randomUUID().slice(0, 8)}]`;
}

export interface SignInOptions {
  /** Sign in through the page's form (as a person would) rather than by posting to /api/login first. */
  readonly form?: boolean;
  readonly viewport?: { width: number; height: number };
}

/** What a hand-written client got when it tried to read a channel. */
export interface ReadAttempt {
  /** `subscribed`, or the error code of the refused subscription. */
  readonly subscribe: string;
  /** `read` with the number of events, or the error code of the refused history request. */
  readonly history: string;
}

export class ChatPage {
  /** JavaScript errors the page threw; a test can require none. */
  readonly errors: string[] = [];
  private userId: string | undefined;

  private constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    page.on("pageerror", (error) => this.errors.push(error.message));
  }

  /** Opens the app in a fresh browser context (its own cookies: its own user) and signs in as `name`. */
  static async signIn(browser: Browser, baseUrl: string, name: string, options: SignInOptions = {}): Promise<ChatPage> {
    const context: BrowserContext = await browser.newContext({ baseURL: baseUrl, viewport: options.viewport ?? { width: 1200, height: 720 } });
    try {
      if (options.form !== true) {
        // The context's request API shares the cookie jar with its pages: the page opens signed in.
        const response = await context.request.post("/api/login", { data: { name } });
        if (!response.ok()) {
          throw new Error(`Sign-in as ${name} failed: ${response.status()} ${await response.text()}`);
        }
      }
      const chat = new ChatPage(await context.newPage(), name);
      await chat.page.goto("/");
      if (options.form === true) {
        await chat.page.locator("#login-name").fill(name);
        await chat.page.locator("#login-form").getByRole("button").click();
      }
      await chat.ready();
      return chat;
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  /** Another tab of the same user (same cookies), on `baseUrl` or on this tab's instance. */
  async newTab(baseUrl?: string): Promise<ChatPage> {
    const tab = new ChatPage(await this.page.context().newPage(), this.name);
    tab.userId = this.userId;
    await tab.page.goto(baseUrl === undefined ? "/" : `${baseUrl}/`);
    await tab.ready();
    return tab;
  }

  /** The signed-in user's id, as the server chose it. */
  async id(): Promise<string> {
    this.userId ??= await this.page.evaluate(async () => ((await (await fetch("/api/me")).json()) as { id: string }).id);
    return this.userId;
  }

  /** Waits until the page is connected and in the lobby (its own entry in the members list). */
  async ready(): Promise<void> {
    await this.page.locator('#status-state[data-state="connected"]').waitFor({ timeout });
    await this.member(await this.id()).waitFor({ timeout });
  }

  /** Reloads the tab and waits until it is connected again. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.ready();
  }

  get title(): Locator {
    return this.page.locator("#room-title");
  }

  /** Waits until the conversation titled `title` (`#lobby`, `@Ada 1a2b3c`) is the one shown. */
  async showing(title: string): Promise<void> {
    await this.page.waitForFunction((t) => document.getElementById("room-title")?.textContent === t, title, { timeout });
  }

  room(room: string): Locator {
    return this.page.locator(`#rooms li[data-room="${room}"]`);
  }

  member(userId: string): Locator {
    return this.page.locator(`#members li[data-user-id="${userId}"]`);
  }

  /** The names in the members list, as shown. */
  async memberNames(): Promise<string[]> {
    return (await this.page.locator("#members li").allTextContents()).map((name) => name.trim());
  }

  /** Notices (joins, leaves, direct-message alerts, errors) whose text contains `text`. */
  notice(text: string): Locator {
    return this.page.locator("#messages li.notice").filter({ hasText: text });
  }

  /** Opens the direct conversation with a user by clicking them in the members list. */
  async openDirect(userId: string, name: string): Promise<void> {
    await this.member(userId).click();
    await this.showing(`@${name}`);
  }

  /** Opens a room by clicking it in the rooms list. */
  async openRoom(room: string): Promise<void> {
    await this.room(room).click();
    await this.showing(`#${room}`);
  }

  get typing(): Locator {
    return this.page.locator("#typing");
  }

  /** Waits until the typing indicator reads `text` ("" when nobody is typing). */
  async typingShows(text: string): Promise<void> {
    await this.page.waitForFunction((t) => document.getElementById("typing")?.textContent === t, text, { timeout });
  }

  /** The messages (not notices) whose text contains `text`. */
  message(text: string): Locator {
    return this.page.locator("#messages li:not(.notice)").filter({ hasText: text });
  }

  /** The texts of the messages shown, in order. */
  async messageTexts(): Promise<string[]> {
    return (await this.page.locator("#messages li:not(.notice) .text").allTextContents()).map((text) => text.trim());
  }

  /** Waits for one message containing `text` and returns its author and whether it is marked as mine. */
  async receive(text: string): Promise<{ author: string; text: string; mine: boolean }> {
    const item = this.message(text);
    await item.waitFor({ timeout });
    return {
      author: (await item.locator(".author").textContent())?.trim() ?? "",
      text: (await item.locator(".text").textContent())?.trim() ?? "",
      mine: (await item.getAttribute("class"))?.split(/\s+/).includes("mine") ?? false,
    };
  }

  /** Types `text` into the composer and submits it. */
  async send(text: string): Promise<void> {
    await this.page.locator("#text").fill(text);
    await this.page.locator("#composer").getByRole("button").click();
  }

  /** Sends `text` and waits until the server has echoed it back to this tab. */
  async say(text: string): Promise<void> {
    await this.send(text);
    await this.message(text).waitFor({ timeout });
  }

  /** Types without sending (what raises the typing indicator at the others). */
  async type(text: string): Promise<void> {
    await this.page.locator("#text").pressSequentially(text);
  }

  /**
   * Plays a user who loads the client library into the page and asks for a private channel the app would never
   * open for them: subscribes to `private-{channel}` and asks for its history, with this tab's cookies.
   */
  async tryToRead(channel: string): Promise<ReadAttempt> {
    await this.page.addScriptTag({ content: await channelsClientBundle() });
    return this.page.evaluate(
      async ({ global, channel, timeout }) => {
        type Sub = {
          subscribed(cb: () => void): Sub;
          error(cb: (e: { code: string }) => void): Sub;
          history(): Promise<{ events: unknown[] }>;
        };
        type Client = { start(): Promise<void>; disconnect(): Promise<void>; private(name: string): Sub };
        const { ChannelsClient } = (window as unknown as Record<string, { ChannelsClient: new (o: { url: string }) => Client }>)[global]!;
        const client = new ChannelsClient({ url: "/hubs/chat" });
        try {
          await client.start();
          const subscription = client.private(channel);
          const subscribe = await new Promise<string>((resolve) => {
            const timer = setTimeout(() => resolve("no answer"), timeout);
            subscription.subscribed(() => (clearTimeout(timer), resolve("subscribed")));
            subscription.error((e) => (clearTimeout(timer), resolve(e.code)));
          });
          let history: string;
          try {
            history = `read ${(await subscription.history()).events.length}`;
          } catch (error) {
            history = (error as { code?: string }).code ?? String(error);
          }
          return { subscribe, history };
        } finally {
          await client.disconnect();
        }
      },
      { global: channelsClientGlobal, channel, timeout },
    );
  }

  /** Closes this tab only; the user's other tabs stay. */
  async closeTab(): Promise<void> {
    await this.page.close();
  }

  /** Closes the browser context: every tab of this user. */
  async close(): Promise<void> {
    await this.page.context().close();
  }
}
