// @ts-check
// The page's client: @signalr-channels/client's browser build (npm install copies it to wwwroot/lib).
import { ChannelsClient } from "./lib/signalr-channels/signalr-channels.js";

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} tag @param {string} text */
function item(tag, text) {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

async function signIn() {
  byId("login").hidden = false;
  byId("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = /** @type {HTMLInputElement} */ (byId("name")).value;
    const response = await fetch("/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
    if (response.ok) {
      location.reload();
    }
  });
}

async function main() {
  const me = await fetch("/me");
  if (me.status === 401) {
    return signIn();
  }
  /** @type {{ id: string, name: string }} */
  const user = await me.json();
  byId("who").textContent = user.name;
  byId("chat").hidden = false;

  // The sign-in cookie travels with the WebSocket; no token needed on the page.
  const client = new ChannelsClient({ url: "/hubs/chat" });
  client.onStateChange((state) => (byId("state").textContent = state));

  const rendered = new Set();
  /** @param {{ user: string, text: string }} message @param {{ offset?: number }} envelope @param {"append" | "prepend"} where */
  function showMessage(message, envelope, where) {
    if (envelope.offset !== undefined) {
      if (rendered.has(envelope.offset)) return;
      rendered.add(envelope.offset);
    }
    const line = item("li", "");
    line.append(item("b", message.user), message.text);
    byId("messages")[where](line);
  }

  /** @param {readonly { id: string, info: any }[]} members */
  function showMembers(members) {
    byId("members").replaceChildren(...members.map((m) => item("li", m.info?.name ?? m.id)));
  }

  // presence-chat.lobby: who is here, who comes and goes, and the room's messages.
  const room = client
    .join("chat.lobby")
    .here(showMembers)
    .joining(() => showMembers(room.members))
    .leaving(() => showMembers(room.members))
    .listen("message", (message, envelope) => showMessage(message, envelope, "append"));

  // private-notifications.<me>: only this user may subscribe.
  client.private(`notifications.${user.id}`).listen("notice", (notice) => byId("notices").append(item("li", notice.text)));

  await client.start();

  // The room's recent messages (history), newest first: each goes above the ones already shown.
  const { events } = await room.history({ limit: 50, reverse: true });
  for (const event of events) {
    showMessage(/** @type {any} */ (event.data), event, "prepend");
  }

  byId("send").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (byId("text"));
    await client.invoke("SendMessage", "lobby", input.value);
    input.value = "";
  });
}

void main();
