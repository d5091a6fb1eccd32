// The live dashboard page (MapChannelsDashboard): connects to the app's channel hub with the browser's credentials,
// subscribes to the reserved dashboard channel and redraws on every sample the nodes publish there.
import { ChannelsClient, type ChannelError } from "@signalr-channels/client";
import { renderChart } from "./chart.js";
import { DashboardModel } from "./DashboardModel.js";
import type { DashboardSample } from "./sample.js";

const colors = { blue: "#4ea1ff", green: "#3ecf8e", amber: "#f5b942" };

const model = new DashboardModel();
const hub = document.body.dataset.hub!;
const channelName = document.body.dataset.channel!;

function byId<T extends Element = HTMLElement>(id: string): T {
  return document.getElementById(id) as unknown as T;
}

function setText(id: string, value: string): void {
  const element = byId(id);
  if (element.textContent !== value) {
    element.textContent = value;
  }
}

function setStatus(state: "connecting" | "live" | "forbidden" | "disconnected", text: string): void {
  const status = byId("status");
  status.dataset.state = state;
  status.textContent = text;
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

function rate(value: number | null): string {
  return value === null ? "–" : decimal.format(value);
}

function ms(value: number | null): string {
  return value === null ? "–" : `${decimal.format(value)} ms`;
}

/** Node ids are GUIDs unless the app names its nodes: the first 12 characters tell them apart. */
function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** Rewrites a table's rows; the first cell's full text is its title (names are shortened or wrapped). */
function fillTable(id: string, rows: readonly (readonly string[])[], firstCell: (value: string) => string = (v) => v): void {
  const body = byId<HTMLTableElement>(id).tBodies[0]!;
  body.replaceChildren(
    ...rows.map((cells) => {
      const row = document.createElement("tr");
      cells.forEach((cell, i) => {
        const td = document.createElement("td");
        td.textContent = i === 0 ? firstCell(cell) : cell;
        if (i === 0) {
          td.title = cell;
        }
        row.append(td);
      });
      return row;
    }),
  );
}

function render(): void {
  const cluster = model.cluster;
  if (cluster === null) {
    return;
  }
  const rows = model.rows();
  const connections = cluster.nodes.reduce((total, node) => total + node.connections, 0);
  setText("nodes-count", integer.format(cluster.nodes.length));
  setText("leader", cluster.nodes.length > 0 ? `cluster view from ${shortId(cluster.nodes[0]!.id)}` : "");
  setText("connections", integer.format(connections));
  setText("watchers", `${integer.format(cluster.watchers)} watching this dashboard`);
  setText("occupied", integer.format(cluster.occupiedChannels));
  setText("channel-kinds", `${cluster.publicChannels} public · ${cluster.privateChannels} private · ${cluster.presenceChannels} presence`);
  setText("subscriptions", integer.format(cluster.subscriptions));
  setText("presence-channels", `${integer.format(cluster.presenceChannels)} presence channels`);
  setText("present-users", integer.format(cluster.topPresence.reduce((total, c) => total + (c.users ?? 0), 0)));
  const last = model.points[model.points.length - 1];
  setText("publish-rate", rate(last?.publishRate ?? null));
  setText("delivery-rate", rate(last?.deliveryRate ?? null));
  setText("published-total", `${integer.format(model.publishedSinceOpened)} since opened`);
  setText("delivered-total", `${integer.format(model.deliveredSinceOpened)} since opened`);
  setText("rtt", ms(model.rttMs()));
  const max = model.rttMaxMs();
  setText("rtt-max", max === null ? "" : `max ${ms(max)} last second`);

  fillTable("nodes-table", rows.map((r) => [r.id, integer.format(r.connections), rate(r.publishRate), rate(r.deliveryRate), r.rttMs === null ? "–" : decimal.format(r.rttMs)]), shortId);
  fillTable("presence-table", cluster.topPresence.map((c) => [c.channel, c.users === null ? "–" : integer.format(c.users), integer.format(c.subscriptions)]));
  fillTable("channels-table", cluster.topChannels.map((c) => [c.channel, integer.format(c.subscriptions)]));

  const times = model.points.map((p) => p.at);
  const axis = model.axisMs();
  renderChart(byId<SVGSVGElement>("chart-connections"), times, [{ name: "connections", color: colors.blue, values: model.points.map((p) => p.connections) }], axis, (v) => decimal.format(v));
  renderChart(
    byId<SVGSVGElement>("chart-rates"),
    times,
    [
      { name: "published / s", color: colors.green, values: model.points.map((p) => p.publishRate) },
      { name: "delivered / s", color: colors.blue, values: model.points.map((p) => p.deliveryRate) },
    ],
    axis,
    (v) => decimal.format(v),
  );
  renderChart(byId<SVGSVGElement>("chart-rtt"), times, [{ name: "average RTT", color: colors.amber, values: model.points.map((p) => p.rttMs) }], axis, (v) => decimal.format(v));
}

// The page's own heartbeats would show up in the RTT it displays: off.
const client = new ChannelsClient({ url: hub, heartbeatIntervalMs: false });
client.onStateChange((state) => {
  if (state === "connected") {
    setStatus("connecting", "connected, subscribing…");
  } else if (state !== "connecting" && byId("status").dataset.state !== "forbidden") {
    setStatus(state === "reconnecting" ? "connecting" : "disconnected", state);
  }
});
client
  .private<{ sample: DashboardSample }>(channelName)
  .subscribed(() => setStatus("live", "live"))
  .error((error: ChannelError) => setStatus(error.code === "forbidden" ? "forbidden" : "disconnected", `${error.code}: ${error.message}`))
  .listen("sample", (sample) => {
    if (model.add(sample)) {
      render();
    }
  });
client.start().catch((error: unknown) => setStatus("disconnected", `could not connect: ${String(error)}`));
