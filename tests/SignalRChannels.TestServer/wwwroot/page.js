import { ChannelsClient } from "/lib/signalr-channels.js";

const query = new URLSearchParams(location.search);
const token = query.get("token");
const $ = (id) => document.getElementById(id);

const client = new ChannelsClient({
  url: "/hubs/test",
  protocol: query.get("protocol") ?? "json",
  transport: query.get("transport") ?? "webSockets",
  reconnect: { delaysMs: [0, 100, 250], jitter: 0 },
  ...(token !== null && { accessTokenFactory: () => token }),
});

client.onStateChange((state) => {
  $("state").textContent = state;
  $("state").dataset.state = state;
  $("socket-id").textContent = client.socketId() ?? "";
});

function show(list, text, data) {
  const li = document.createElement("li");
  li.textContent = text;
  Object.assign(li.dataset, data);
  $(list).append(li);
}

for (const name of query.getAll("channel")) {
  const item = document.createElement("li");
  item.dataset.channel = name;
  item.dataset.state = "subscribing";
  item.textContent = name;
  $("subscriptions").append(item);
  const channel = name.startsWith("private-")
    ? client.private(name.slice("private-".length))
    : name.startsWith("presence-")
      ? client.join(name.slice("presence-".length))
      : client.channel(name);
  channel
    .listenToAll((event) =>
      show("events", JSON.stringify(event.data), {
        channel: event.channel,
        event: event.event,
        ...(event.offset !== undefined && { offset: String(event.offset) }),
      }),
    )
    .subscribed(() => (item.dataset.state = "subscribed"))
    .error((error) => {
      item.dataset.state = "failed";
      show("errors", error.message, { channel: name, code: error.code });
    });
}

client.start().then(
  () => ($("socket-id").textContent = client.socketId() ?? ""),
  (error) => show("errors", String(error), { code: "start" }),
);
window.channelsClient = client;
