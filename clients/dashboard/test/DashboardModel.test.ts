import { describe, expect, it } from "vitest";
import { linePath, roundMax } from "../src/chart.js";
import { DashboardModel } from "../src/DashboardModel.js";
import type { DashboardCluster, DashboardSample } from "../src/sample.js";

function cluster(nodes: Record<string, number>): DashboardCluster {
  return {
    nodes: Object.entries(nodes).map(([id, connections]) => ({ id, connections, leaseRenewedAt: 0 })),
    watchers: 1,
    occupiedChannels: 0,
    publicChannels: 0,
    privateChannels: 0,
    presenceChannels: 0,
    subscriptions: 0,
    topChannels: [],
    topPresence: [],
  };
}

function sample(node: string, at: number, fields: Partial<DashboardSample> = {}): DashboardSample {
  return {
    node,
    at,
    connections: 0,
    published: 0,
    messagesSent: 0,
    publishRate: null,
    deliveryRate: null,
    rttAverageMs: null,
    rttMaxMs: null,
    rttReports: 0,
    cluster: null,
    ...fields,
  };
}

describe("DashboardModel", () => {
  it("counts what was published since the page opened, over every node, across a node restart", () => {
    const model = new DashboardModel();
    model.add(sample("a", 1000, { published: 100, messagesSent: 500 }));
    model.add(sample("b", 1000, { published: 7 }));
    model.add(sample("a", 2000, { published: 130, messagesSent: 560 }));
    model.add(sample("b", 2000, { published: 3 })); // b restarted: its 3 are new
    expect(model.publishedSinceOpened).toBe(33);
    expect(model.deliveredSinceOpened).toBe(60);
  });

  it("adds a chart point per cluster view, summing the live nodes' latest rates", () => {
    const model = new DashboardModel();
    model.add(sample("b", 1000, { publishRate: 5, deliveryRate: 10, rttAverageMs: 20 }));
    expect(model.add(sample("a", 1000, { publishRate: 1, deliveryRate: 2, rttAverageMs: 10, cluster: cluster({ a: 3, b: 4 }) }))).toBe(true);
    expect(model.points).toEqual([{ at: 1000, connections: 7, publishRate: 6, deliveryRate: 12, rttMs: 15 }]);
    expect(model.rows().map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("keeps the last reported round trip for the tile but charts a quiet interval as a gap", () => {
    const model = new DashboardModel();
    model.add(sample("a", 1000, { rttAverageMs: 12, rttMaxMs: 30, rttReports: 2, cluster: cluster({ a: 1 }) }));
    model.add(sample("a", 2000, { cluster: cluster({ a: 1 }) }));
    expect(model.rttMs()).toBe(12);
    expect(model.points.map((p) => p.rttMs)).toEqual([12, null]);
  });

  it("forgets points older than its window and widens the axis by whole minutes", () => {
    const model = new DashboardModel(120_000);
    for (let at = 0; at <= 150_000; at += 30_000) {
      model.add(sample("a", at, { cluster: cluster({ a: 1 }) }));
    }
    expect(model.points.map((p) => p.at)).toEqual([30_000, 60_000, 90_000, 120_000, 150_000]);
    expect(model.axisMs()).toBe(120_000);
    const fresh = new DashboardModel();
    fresh.add(sample("a", 0, { cluster: cluster({ a: 1 }) }));
    fresh.add(sample("a", 5_000, { cluster: cluster({ a: 1 }) }));
    expect(fresh.axisMs()).toBe(60_000);
  });
});

describe("charts", () => {
  it("round the axis up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect([0, 0.4, 3, 24, 26, 51, 999].map(roundMax)).toEqual([1, 1, 5, 25, 50, 100, 1000]);
  });

  it("draw a line that starts over after a missing value", () => {
    const frame = { width: 152, height: 134, now: 100, windowMs: 100, max: 10 };
    // The plot is 100 × 100 inside the margins (left 44, right 8, top 16, bottom 18).
    expect(linePath([0, 50, 75, 100], [0, 10, null, 5], frame)).toBe("M44.0 116.0 L94.0 16.0 M144.0 66.0");
  });
});
