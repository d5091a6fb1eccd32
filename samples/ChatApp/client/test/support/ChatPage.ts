// One signed-in user's tab of the ChatApp. Tests talk to the page through this class only, so when the markup
// changes, the selectors change here. It relies on the stable ids of wwwroot/index.html.
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";

export const timeout = 10_000;

/** A display name no other test uses, e.g. `Ada 1a2b3c`. */
export function uniqueUser(name: string): string {
  return `${name} ${randomUUID().slice(0, 6)}`;
}

/** A message text no other test uses. */
export function uniqueText(text: string): string {
  return `${text} [${randomUUID().slice(0, 8)}]`;
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
  static async signIn(browser: Browser, baseUrl: string, name: string): Promise<ChatPage> {
    const context: BrowserContext = await browser.newContext({ baseURL: baseUrl });
    const chat = new ChatPage(await context.newPage(), name);
    await chat.page.goto("/");
    await chat.page.locator("#login-name").fill(name);
    await chat.page.locator("#login-form").getByRole("button").click();
    await chat.ready();
    return chat;
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

  get title(): Locator {
    return this.page.locator("#room-title");
  }

  room(room: string): Locator {
    return this.page.locator(`#rooms li[data-room="${room}"]`);
  }

  member(userId: string): Locator {
    return this.page.locator(`#members li[data-user-id="${userId}"]`);
  }

  /** Notices (joins, leaves, direct-message alerts, errors) whose text contains `text`. */
  notice(text: string): Locator {
    return this.page.locator("#messages li.notice").filter({ hasText: text });
  }

  /** Opens the direct conversation with a user by clicking them in the members list. */
  async openDirect(userId: string): Promise<void> {
    await this.member(userId).click();
  }

  /** Opens a room by clicking it in the rooms list. */
  async openRoom(room: string): Promise<void> {
    await this.room(room).click();
  }

  get typing(): Locator {
    return this.page.locator("#typing");
  }

  /** The messages (not notices) whose text contains `text`. */
  message(text: string): Locator {
    return this.page.locator("#messages li:not(.notice)").filter({ hasText: text });
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

  /** Types without sending (what raises the typing indicator at the others). */
  async type(text: string): Promise<void> {
    await this.page.locator("#text").pressSequentially(text);
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
