import { ChannelError, ChannelsClient, type PresenceChannel, type PrivateChannel, type PresenceMember } from "@signalr-channels/client";
// Generated on build from the server's typed channels (../../Contracts.cs): names, events, member info and whispers.
import {
  channels,
  contracts,
  type ChatMember,
  type ChatMessage,
  type ChatRoomEvents,
  type ChatRoomWhispers,
  type DirectChannelEvents,
} from "./channels.generated.js";

type Me = { id: string; name: string; rooms: string[] };
type Conversation = { kind: "room"; room: string } | { kind: "dm"; userId: string; name: string };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const TYPING_MS = 3000;

async function main(): Promise<void> {
  const response = await fetch("/api/me");
  if (!response.ok) {
    showLogin();
    return;
  }
  new ChatPage((await response.json()) as Me).start();
}

function showLogin(): void {
  $("login").hidden = false;
  $<HTMLFormElement>("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const response = await fetch("/api/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: $<HTMLInputElement>("login-name").value }),
    });
    if (!response.ok) {
      $("login-error").textContent = ((await response.json()) as { error?: string }).error ?? "Sign-in failed.";
      return;
    }
    location.reload();
  });
}

/** One signed-in user's page: rooms (presence channels), direct messages (private channels), status. */
class ChatPage {
  // The client's own heartbeats (every 5 s here) measure the round trip; the status bar shows the latest.
  // Incoming payloads are checked against the generated contracts; one that does not match is reported, not shown.
  private readonly client = new ChannelsClient({ url: "/hubs/chat", heartbeatIntervalMs: 5000, validatePayloads: { contracts } });
  private readonly rooms = new Map<string, PresenceChannel<ChatRoomEvents, ChatMember, ChatRoomWhispers>>();
  private readonly dms = new Map<string, PrivateChannel<DirectChannelEvents>>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly typing = new Map<string, ReturnType<typeof setTimeout>>();
  private current: Conversation = { kind: "room", room: "lobby" };
  private lastTypingSent = 0;

  constructor(private readonly me: Me) {}

  start(): void {
    $("app").hidden = false;
    $("me").textContent = this.me.name;
    $("logout").addEventListener("click", async () => {
      await this.client.disconnect();
      await fetch("/api/logout", { method: "POST" });
      location.reload();
    });
    this.client.onStateChange((state) => {
      $("status-state").textContent = state;
      $("status-state").dataset.state = state;
    });

    for (const room of this.me.rooms) {
      this.joinRoom(room);
    }
    this.client.private(channels.userInbox(this.me.id)).listen("direct", (d) => {
      this.dmChannel(d.userId);
      if (!(this.current.kind === "dm" && this.current.userId === d.userId)) {
        this.notice(`New direct message from ${d.user}`);
      }
    });
    this.renderRoomList();
    this.bindComposer();
    void this.client.start().then(
      () => this.open(this.current),
      () => this.notice("Could not connect; retrying…"),
    );
    setInterval(() => this.showRoundTrip(), 1000);
  }

  private joinRoom(room: string): void {
    const channel = this.client
      .join(channels.chatRoom(room))
      .here(() => this.renderMembers())
      .joining((m) => {
        this.renderMembers();
        this.notice(`${m.info.name} joined #${room}`, { kind: "room", room });
      })
      .leaving((m, reason) => {
        this.renderMembers();
        this.notice(`${m.info.name} left #${room}${reason === "left" ? "" : ` (${reason})`}`, { kind: "room", room });
      })
      .listen("message", (m, e) => this.receive({ kind: "room", room }, m, e.offset))
      .listenForWhisper("typing", (t, from) => this.showTyping({ kind: "room", room }, from ?? "", t.name))
      .onGap(() => this.notice("Some messages could not be recovered.", { kind: "room", room }))
      .error((e) => this.notice(`#${room}: ${e.code}`, { kind: "room", room }));
    this.rooms.set(room, channel);
  }

  private dmChannel(userId: string): PrivateChannel<DirectChannelEvents> {
    // The same channel for both users: the ids in order (as DirectChannel.Between does on the server).
    const name = this.me.id < userId ? channels.directChannel(this.me.id, userId) : channels.directChannel(userId, this.me.id);
    let channel = this.dms.get(userId);
    if (channel === undefined) {
      channel = this.client
        .private(name)
        .listen("message", (m, e) => this.receive({ kind: "dm", userId, name: m.userId === this.me.id ? userId : m.user }, m, e.offset))
        // A conversation opened before its channel finished subscribing gets its history now.
        .subscribed(() => {
          if (this.current.kind === "dm" && this.current.userId === userId) {
            void this.loadHistory(this.current, channel!);
          }
        })
        .error((e) => this.notice(`Direct messages: ${e.code}`));
      this.dms.set(userId, channel);
    }
    return channel;
  }

  /** Shows a conversation: its recent history first, then live messages (deduplicated by message id). */
  private async open(conversation: Conversation): Promise<void> {
    this.current = conversation;
    $("room-title").textContent = conversation.kind === "room" ? `#${conversation.room}` : `@${conversation.name}`;
    $("messages").replaceChildren();
    this.seen.set(this.key(conversation), new Set());
    this.renderRoomList();
    this.renderMembers();
    $("typing").textContent = "";
    const channel = conversation.kind === "room" ? this.rooms.get(conversation.room)! : this.dmChannel(conversation.userId);
    if (channel.state === "subscribed") {
      await this.loadHistory(conversation, channel);
    }
  }

  /** Shows a conversation's recent messages (oldest first); live ones that arrive meanwhile are deduplicated by id. */
  private async loadHistory(conversation: Conversation, channel: PrivateChannel<ChatRoomEvents | DirectChannelEvents>): Promise<void> {
    try {
      const page = await channel.history({ limit: 50, reverse: true });
      for (const event of [...page.events].reverse()) {
        if (event.event === "message") {
          this.render(conversation, event.data as ChatMessage);
        }
      }
    } catch (error) {
      this.notice(error instanceof ChannelError ? `History is not available right now (${error.code}).` : "History is not available right now.");
    }
  }

  private receive(conversation: Conversation, message: ChatMessage, _offset?: number): void {
    if (this.key(conversation) === this.key(this.current)) {
      this.render(conversation, message);
      this.clearTyping(message.userId);
    }
  }

  private render(conversation: Conversation, message: ChatMessage): void {
    if (this.key(conversation) !== this.key(this.current)) {
      return;
    }
    const seen = this.seen.get(this.key(conversation)) ?? new Set<string>();
    if (seen.has(message.id)) {
      return;
    }
    seen.add(message.id);
    const li = document.createElement("li");
    li.className = message.userId === this.me.id ? "mine" : "";
    li.dataset.id = message.id;
    const author = document.createElement("span");
    author.className = "author";
    author.textContent = message.user;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    li.append(author, text);
    this.append(li);
  }

  private notice(text: string, conversation?: Conversation): void {
    if (conversation !== undefined && this.key(conversation) !== this.key(this.current)) {
      return;
    }
    const li = document.createElement("li");
    li.className = "notice";
    li.textContent = text;
    this.append(li);
  }

  private append(li: HTMLLIElement): void {
    const list = $("messages");
    list.append(li);
    list.scrollTop = list.scrollHeight;
  }

  private bindComposer(): void {
    const input = $<HTMLInputElement>("text");
    input.addEventListener("input", () => {
      const now = Date.now();
      if (this.current.kind === "room" && now - this.lastTypingSent > 1000) {
        this.lastTypingSent = now;
        void this.rooms.get(this.current.room)!.whisper("typing", { name: this.me.name }).catch(() => undefined);
      }
    });
    $<HTMLFormElement>("composer").addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (text.length === 0) {
        return;
      }
      input.value = "";
      try {
        if (this.current.kind === "room") {
          await this.client.invoke("SendMessage", this.current.room, text);
        } else {
          await this.client.invoke("SendDirect", this.current.userId, text);
        }
      } catch (error) {
        this.notice(error instanceof ChannelError ? `Not sent: ${error.detail}` : "Not sent.");
      }
    });
  }

  private showTyping(conversation: Conversation, userId: string, name: string): void {
    if (this.key(conversation) !== this.key(this.current) || userId === this.me.id) {
      return;
    }
    this.clearTyping(userId);
    this.typing.set(userId, setTimeout(() => this.clearTyping(userId), TYPING_MS));
    this.renderTyping(name);
  }

  private clearTyping(userId: string): void {
    const timer = this.typing.get(userId);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.typing.delete(userId);
      this.renderTyping();
    }
  }

  private renderTyping(name?: string): void {
    $("typing").textContent = this.typing.size === 0 ? "" : this.typing.size === 1 && name ? `${name} is typing…` : "Several people are typing…";
  }

  private renderRoomList(): void {
    const list = $("rooms");
    list.replaceChildren(
      ...this.me.rooms.map((room) => {
        const li = document.createElement("li");
        li.textContent = `#${room}`;
        li.dataset.room = room;
        li.className = this.current.kind === "room" && this.current.room === room ? "active" : "";
        li.addEventListener("click", () => void this.open({ kind: "room", room }));
        return li;
      }),
    );
  }

  private renderMembers(): void {
    const room = this.current.kind === "room" ? this.current.room : "lobby";
    const members: readonly PresenceMember<ChatMember>[] = this.rooms.get(room)?.members ?? [];
    $("members").replaceChildren(
      ...[...members]
        .sort((a, b) => a.info.name.localeCompare(b.info.name))
        .map((m) => {
          const li = document.createElement("li");
          li.textContent = m.id === this.me.id ? `${m.info.name} (you)` : m.info.name;
          li.dataset.userId = m.id;
          if (m.id !== this.me.id) {
            li.title = `Message ${m.info.name}`;
            li.addEventListener("click", () => void this.open({ kind: "dm", userId: m.id, name: m.info.name }));
          }
          return li;
        }),
    );
    $("status-online").textContent = String(members.length);
    $("members-title").textContent = `Online in #${room}`;
  }

  /** Shows the round trip of the client's last heartbeat (measured by the client, reported to the server with the next). */
  private showRoundTrip(): void {
    const rtt = this.client.state === "connected" ? this.client.roundTripMs() : undefined;
    $("status-rtt").textContent = rtt === undefined ? "–" : `${rtt} ms`;
  }

  private key(conversation: Conversation): string {
    return conversation.kind === "room" ? `room:${conversation.room}` : `dm:${conversation.userId}`;
  }
}

void main();
