// The JSON a node publishes to the dashboard channel once per second (SignalRChannels.Dashboard.DashboardSample).

export interface DashboardSample {
  /** The node id. */
  readonly node: string;
  /** When the node took the sample, Unix milliseconds. */
  readonly at: number;
  /** The node's channel connections. */
  readonly connections: number;
  /** Events published on the node since it started (the dashboard's own samples excluded). */
  readonly published: number;
  /** Messages written to the node's connections since it started. */
  readonly messagesSent: number;
  readonly publishRate: number | null;
  readonly deliveryRate: number | null;
  /** Heartbeat round trips reported to the node during the interval; null when none was. */
  readonly rttAverageMs: number | null;
  readonly rttMaxMs: number | null;
  readonly rttReports: number;
  /** The cluster-wide view, sent by the node that sorts first among the live nodes; null from the others. */
  readonly cluster: DashboardCluster | null;
}

export interface DashboardCluster {
  readonly nodes: readonly { readonly id: string; readonly connections: number; readonly leaseRenewedAt: number }[];
  /** Subscriptions to the dashboard channel: the pages watching. */
  readonly watchers: number;
  readonly occupiedChannels: number;
  readonly publicChannels: number;
  readonly privateChannels: number;
  readonly presenceChannels: number;
  readonly subscriptions: number;
  readonly topChannels: readonly ChannelFigures[];
  readonly topPresence: readonly ChannelFigures[];
}

export interface ChannelFigures {
  readonly channel: string;
  readonly subscriptions: number;
  readonly users: number | null;
}
