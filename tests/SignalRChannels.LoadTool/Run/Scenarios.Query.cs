using System.Diagnostics;
using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>The cost of the query API on a scaled-out cluster.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// <c>--query-connections</c> connections spread over the nodes, each subscribed to a channel of its own, and a
    /// presence channel with as many members (seeded through <see cref="IPresenceStore"/>); then each query is called
    /// <c>--query-repeat</c> times on node 1, one call after the other, timed on the server.
    /// </summary>
    public async Task QueryAsync(int nodes, CancellationToken cancellationToken)
    {
        if (!RedisAvailable("the query API across nodes"))
        {
            return;
        }

        const string prefix = LoadWire.PlainChannelPrefix + "q";
        const string presence = LoadWire.PresenceChannelPrefix + "query";
        await using var systems = new Systems();
        var system = systems.Add(await StartAsync("channels + Redis", ServerKind.Channels, nodes, redis: true, cancellationToken));
        var connecting = Stopwatch.StartNew();
        await system.ConnectAsync(options.QueryConnections, i => [prefix + i], cancellationToken);
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        var seed = await system.Nodes[^1].SeedPresenceAsync(presence, options.QueryConnections, "m", cancellationToken);

        var rows = new List<string[]>();
        foreach (var (label, op, channel) in new (string, string, string?)[]
        {
            ("occupied channels (all)", "channels", null),
            ($"occupied channels with prefix `{prefix}1`", "prefix", prefix + "1"),
            ("one channel's subscription count", "channel", prefix + "0"),
            ("members of the presence channel", "members", presence),
            ("nodes", "nodes", null),
        })
        {
            var result = await system.Nodes[0].QueryAsync(op, channel, options.QueryRepeat, cancellationToken);
            var times = LatencySummary.FromMilliseconds(result.DurationsMs);
            rows.Add([label, N(result.Size), N(times.Count), Ms(times.P50), Ms(times.P99), Ms(times.Max)]);
        }

        report.Table(
            $"Query API: {N(options.QueryConnections)} channels and {N(options.QueryConnections)} connections on {nodes} nodes (Redis), {N(options.QueryConnections)} presence members",
            ["query (IChannelsQuery, on node 1)", "answer size", "calls", "p50 ms", "p99 ms", "max ms"],
            rows,
            $"Connections made and subscribed in {connectSeconds:0.0} s; {N(options.QueryConnections)} members seeded in {N(seed.ElapsedMs)} ms. " +
            "Each call reads the live nodes from the presence leases, then every live node's counts (pipelined); calls run one after the other.");
    }
}
