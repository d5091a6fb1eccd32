// The deployments the same browser cases run against. Users are spread over a topology's instances in turn:
// the first user signs in on the first instance, the second on the second, and so on.

export type TopologyName = "memory" | "redis";

export interface TopologySpec {
  readonly name: TopologyName;
  /** How the describe block reads, e.g. "one instance, in memory". */
  readonly title: string;
}

export const topologies: readonly TopologySpec[] = [
  { name: "memory", title: "one instance, in memory" },
  { name: "redis", title: "two instances on one Redis" },
];

/** What the global setup hands the tests: the instances' base URLs, or why the topology could not start. */
export type TopologyAddress = { readonly urls: readonly string[] } | { readonly error: string };
