// `npm run screenshots -w samples/ChatApp/client`: the pictures of the ChatApp in the docs. Not a test.
// Starts a fresh in-memory ChatApp, signs three people in, lets them talk and writes
//   docs/images/chatapp.png     the lobby as Maya sees it (members, status, someone typing), 1200x720
//   docs/images/chatapp-dm.png  Maya's direct conversation with Jonas, 1200x720
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "./support/browser.js";
import { ensureChatAppBuilt, repoRoot, startChatApp } from "./support/chatApp.js";
import { ChatPage, timeout } from "./support/ChatPage.js";

const viewport = { width: 1200, height: 720 };
const outDir = join(repoRoot, "docs/images");

async function main(): Promise<void> {
  ensureChatAppBuilt();
  const tempDir = mkdtempSync(join(tmpdir(), "chatapp-screenshots-"));
  // A fresh instance: in memory (even when the shell has a Redis connection string), its own cookie keys.
  const app = await startChatApp({ env: { TMPDIR: tempDir, ConnectionStrings__Redis: "" } });
  const browser = await launchChromium();
  try {
    const signIn = (name: string) => ChatPage.signIn(browser, app.url, name, { viewport });
    // One after the other, so Maya sees the others arrive.
    const maya = await signIn("Maya");
    const jonas = await signIn("Jonas");
    const priya = await signIn("Priya");
    const [mayaId, jonasId] = await Promise.all([maya.id(), jonas.id()]);
    await maya.member(await priya.id()).waitFor({ timeout });

    const lobby: [ChatPage, string][] = [
      [jonas, "Morning! The staging deploy went out at 9, release notes are in the wiki."],
      [maya, "Nice. Did the Redis backplane change make it in?"],
      [priya, "It did. Two instances behind the load balancer since last night, presence works across both."],
      [jonas, "I reloaded a few times on purpose and the history was still there."],
      [maya, "Great, let's show it at the standup."],
    ];
    for (const [who, text] of lobby) {
      await who.say(text);
      await maya.message(text).waitFor({ timeout });
    }
    await maya.page.waitForFunction(() => /^\d+ ms$/.test(document.getElementById("status-rtt")?.textContent ?? ""), null, { timeout });

    // Typed slowly enough that a typing whisper goes out (one a second at most).
    await priya.page.locator("#text").pressSequentially("I'll bring the latency graphs", { delay: 60 });
    await maya.typingShows(`${priya.name} is typing…`);
    mkdirSync(outDir, { recursive: true });
    await maya.page.screenshot({ path: join(outDir, "chatapp.png") });
    await priya.page.locator("#text").fill("");

    await jonas.openDirect(mayaId, maya.name);
    await jonas.say("Quick one: can you review my pull request on the presence docs before lunch?");
    await maya.notice(`New direct message from ${jonas.name}`).waitFor({ timeout });
    await maya.openDirect(jonasId, jonas.name);
    const dm: [ChatPage, string][] = [
      [maya, "Sure. Which one is it?"],
      [jonas, "The one about member lists: a user with two tabs shows up once now."],
      [maya, "Reading it now. The example with the two browsers is a nice touch."],
      [jonas, "Thanks! I'll merge after your approval."],
    ];
    for (const [who, text] of dm) {
      await who.say(text);
      await maya.message(text).waitFor({ timeout });
    }
    await maya.page.screenshot({ path: join(outDir, "chatapp-dm.png") });

    await Promise.all([maya, jonas, priya].map((p) => p.close()));
    console.log(`Wrote ${join(outDir, "chatapp.png")} and ${join(outDir, "chatapp-dm.png")}`);
  } finally {
    await browser.close();
    await app.stop();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
