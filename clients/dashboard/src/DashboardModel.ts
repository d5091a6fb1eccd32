// What the page knows: the latest sample of each node, totals since the page opened, and one point per cluster
// sample for the charts, kept for `windowMs`.
import type { DashboardCluster, DashboardSample } from "./sample.js";

/** One moment of the charts: cluster-wide sums of the nodes' latest samples. */
export interface ChartPoint {
  readonly at: number;
  readonly connections: number;
  readonly publishRate: number | null;
  readonly deliveryRate: number | null;
  readonly rttMs: number | null;
}

export interface NodeRow {
  readonly id: string;
  readonly connections: number;
  readonly publishRate: number | null;
  readonly deliveryRate: number | null;
  readonly rttMs: number | null;
}

interface NodeState {
  latest: DashboardSample;
  /** The last round-trip average the node reported, and when. */
  rttMs: number | null;
  published: number;
  delivered: number;
}

export class DashboardModel {
  private readonly nodes = new Map<string, NodeState>();
  private readonly chart: ChartPoint[] = [];
  private clusterView: DashboardCluster | null = null;

  constructor(readonly windowMs = 5 * 60_000) {}

  /** The latest cluster-wide view; null until the first one arrived. */
  get cluster(): DashboardCluster | null {
    return this.clusterView;
  }

  get points(): readonly ChartPoint[] {
    return this.chart;
  }

  /** Events published in the cluster since the page opened (counted from each node's first sample). */
  get publishedSinceOpened(): number {
    return this.sum((n) => n.published);
  }

  /** Messages written to connections in the cluster since the page opened. */
  get deliveredSinceOpened(): number {
    return this.sum((n) => n.delivered);
  }

  /** Adds a sample; returns true when it carried the cluster view (a new chart point). */
  add(sample: DashboardSample): boolean {
    const state = this.nodes.get(sample.node);
    if (state === undefined) {
      this.nodes.set(sample.node, { latest: sample, rttMs: sample.rttAverageMs, published: 0, delivered: 0 });
    } else {
      // A node that restarted counts from zero again.
      state.published += increase(state.latest.published, sample.published);
      state.delivered += increase(state.latest.messagesSent, sample.messagesSent);
      state.latest = sample;
      state.rttMs = sample.rttAverageMs ?? state.rttMs;
    }
    if (sample.cluster === null) {
      return false;
    }
    this.clusterView = sample.cluster;
    const rows = this.rows();
    this.chart.push({
      at: sample.at,
      connections: sample.cluster.nodes.reduce((total, node) => total + node.connections, 0),
      publishRate: sumOrNull(rows.map((r) => r.publishRate)),
      deliveryRate: sumOrNull(rows.map((r) => r.deliveryRate)),
      // Only the round trips reported in this interval: a quiet interval is a gap, not the last value again.
      rttMs: average(rows.map((r) => (this.nodes.get(r.id)?.latest.rttAverageMs ?? null))),
    });
    while (this.chart.length > 0 && this.chart[0]!.at < sample.at - this.windowMs) {
      this.chart.shift();
    }
    return true;
  }

  /** The time axis of the charts: whole minutes, from one up to `windowMs`, so a new page's line is not a sliver. */
  axisMs(): number {
    const span = this.chart.length > 1 ? this.chart[this.chart.length - 1]!.at - this.chart[0]!.at : 0;
    return Math.min(this.windowMs, Math.max(60_000, Math.ceil(span / 60_000) * 60_000));
  }

  /** The live nodes (of the latest cluster view), with the figures of their latest samples. */
  rows(): NodeRow[] {
    return (this.clusterView?.nodes ?? []).map((node) => {
      const state = this.nodes.get(node.id);
      return {
        id: node.id,
        connections: node.connections,
        publishRate: state?.latest.publishRate ?? null,
        deliveryRate: state?.latest.deliveryRate ?? null,
        rttMs: state?.rttMs ?? null,
      };
    });
  }

  /** The round-trip time now: the mean of the live nodes' last reported averages. */
  rttMs(): number | null {
    return average(this.rows().map((r) => r.rttMs));
  }

  /** The largest round trip reported in the live nodes' latest intervals. */
  rttMaxMs(): number | null {
    const maxima = this.rows().map((r) => this.nodes.get(r.id)?.latest.rttMaxMs ?? null).filter((v): v is number => v !== null);
    return maxima.length === 0 ? null : Math.max(...maxima);
  }

  private sum(pick: (node: NodeState) => number): number {
    let total = 0;
    for (const node of this.nodes.values()) {
      total += pick(node);
    }
    return total;
  }
}

function increase(before: number, now: number): number {
  return now >= before ? now - before : now;
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function average(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}
