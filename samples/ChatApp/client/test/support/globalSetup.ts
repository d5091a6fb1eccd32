import type { TestProject } from "vitest/node";
import { ensureChatAppBuilt, startChatApp } from "./chatApp.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the running ChatApp. */
    chatApp: string;
  }
}

/** One ChatApp (in-memory stores) for the whole run; tests keep apart by unique user names and texts. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureChatAppBuilt();
  const app = await startChatApp();
  project.provide("chatApp", app.url);
  return () => app.stop();
}
