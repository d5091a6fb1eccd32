import { ChannelsClient, ChannelError } from "@signalr-channels/client";

type ChatMessage = { id: string; userId: string; user: string; text: string };
type RoomEvents = { message: ChatMessage };
type Me = { id: string; name: string };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  const me = await fetchMe();
  if (me === null) {
    showLogin();
    return;
  }
  startChat(me);
}

async function fetchMe(): Promise<Me | null> {
  const response = await fetch("/api/me");
  return response.ok ? ((await response.json()) as Me) : null;
}

function showLogin(): void {
  $("login").hidden = false;
  $<HTMLFormElement>("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = $<HTMLInputElement>("login-name").value;
    const response = await fetch("/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
    });
    if (!response.ok) {
      $("login-error").textContent = ((await response.json()) as { error?: string }).error ?? "Sign-in failed.";
      return;
    }
    location.reload();
  });
}

function startChat(me: Me): void {
  $("app").hidden = false;
  $("me").textContent = me.name;
  $("logout").addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST" });
    location.reload();
  });

  const client = new ChannelsClient({ url: "/hubs/chat" });
  client.onStateChange((state) => ($("status-state").textContent = state));

  const room = "lobby";
  client
    .channel<RoomEvents>(`room.${room}`)
    .listen("message", (m) => addMessage(m, m.userId === me.id))
    .error((e) => addNotice(`Could not join #${room}: ${e.code}`));

  const rooms = $("rooms");
  const item = document.createElement("li");
  item.textContent = `#${room}`;
  item.className = "active";
  rooms.append(item);

  $<HTMLFormElement>("composer").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $<HTMLInputElement>("text");
    const text = input.value.trim();
    if (text.length === 0) {
      return;
    }
    input.value = "";
    try {
      await client.invoke("SendMessage", room, text);
    } catch (error) {
      addNotice(error instanceof ChannelError ? `Not sent: ${error.detail}` : "Not sent.");
    }
  });

  void client.start().catch(() => addNotice("Could not connect; retrying…"));
}

function addMessage(message: ChatMessage, mine: boolean): void {
  const li = document.createElement("li");
  li.className = mine ? "mine" : "";
  li.dataset.id = message.id;
  const author = document.createElement("span");
  author.className = "author";
  author.textContent = message.user;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  li.append(author, text);
  append(li);
}

function addNotice(text: string): void {
  const li = document.createElement("li");
  li.className = "notice";
  li.textContent = text;
  append(li);
}

function append(li: HTMLLIElement): void {
  const list = $("messages");
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

void main();
