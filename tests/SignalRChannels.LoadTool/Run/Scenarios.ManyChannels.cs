using System.Diagnostics;
using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>The workload of a chat or dashboard product: many channels, few subscribers each, many publishers.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// <c>--many-channels</c> channels × <c>--many-subscribers</c> subscribers, held by <c>--many-connections</c>
    /// connections, <c>--many-publishers</c> publishes in flight spread over every channel; channels vs plain SignalR
    /// groups, on one node or on <c>--nodes</c> nodes through Redis (published on node 1).
    /// </summary>
    public async Task ManyChannelsAsync(int nodes, CancellationToken cancellationToken)
    {
        if (nodes > 1 && !RedisAvailable("many channels across nodes"))
        {
            return;
        }

        var redis = nodes > 1;
        var suffix = redis ? " + Redis" : "";
        var channelsLabel = "channels" + suffix;
        var plainLabel = "plain SignalR" + suffix;
        await using var systems = new Systems();
        systems.Add(await StartAsync(channelsLabel, ServerKind.Channels, nodes, redis, cancellationToken));
        systems.Add(await StartAsync(plainLabel, ServerKind.Plain, nodes, redis, cancellationToken));
        var subscriptions = SpreadSubscriptions(options.ManyChannels, options.ManySubscribers, options.ManyConnections);
        var setup = new List<string>();
        foreach (var system in systems)
        {
            var clock = Stopwatch.StartNew();
            var times = await system.ConnectAsync(options.ManyConnections, i => subscriptions[i], cancellationToken);
            var subscribe = LatencySummary.FromMilliseconds(times.Select(t => t.TotalMilliseconds));
            setup.Add($"{system.Label}: {N(times.Count)} subscriptions in {N(clock.Elapsed.TotalSeconds, 1)} s (Subscribe p50 {Ms(subscribe.P50)} ms, p99 {Ms(subscribe.P99)} ms)");
        }

        var rows = new List<string[]>();
        var verdicts = new List<string>();
        foreach (var (phase, rate, events) in Phases(options.ManyEvents, options.ManyPacedRate))
        {
            var contenders = systems
                .Select(s => new Contender(s.Label, s, LoadWire.PlainChannelPrefix, options.ManyChannels, events, options.ManySubscribers, options.ManyPublishers, rate))
                .ToList();
            var results = await MeasureAsync($"manychannels{nodes}-{phase}", contenders, cancellationToken);
            var c = results[channelsLabel];
            var p = results[plainLabel];
            rows.AddRange(new[] { c, p }.Select(t => new[]
            {
                phase, t.Label, N(t.PublishesPerSecond), N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost),
                Ratio(t.DeliveriesPerSecond / p.DeliveriesPerSecond), Ratio(p.ServerCpuMicrosecondsPerDelivery / t.ServerCpuMicrosecondsPerDelivery),
            }));
            verdicts.Add($"{phase}: channels ≥ 0.9 × plain SignalR — {Verdict(c.DeliveriesPerSecond >= 0.9 * p.DeliveriesPerSecond)} ({Ratio(c.DeliveriesPerSecond / p.DeliveriesPerSecond)} of its deliveries/s " +
                $"at {Ratio(c.ServerCpuMicrosecondsPerDelivery / p.ServerCpuMicrosecondsPerDelivery)} its server CPU per delivery).");
        }

        var where = nodes == 1 ? "one node" : $"{nodes} nodes via Redis, subscribers spread over the nodes, published on node 1";
        report.Table(
            $"Many channels, {where}: {N(options.ManyChannels)} channels × {N(options.ManySubscribers)} subscribers, " +
            $"{N(options.ManyPublishers)} publishers, {N(options.ManyConnections)} connections",
            ["load", "system", "publishes/s", "deliveries/s", "server CPU µs/delivery", "server cores", "p50 ms", "p99 ms", "max ms", "lost", "vs plain", "CPU efficiency vs plain"],
            rows,
            $"Each connection holds {N(options.ManyChannels * (long)options.ManySubscribers / options.ManyConnections)} subscriptions; every publish goes to a " +
            $"channel in turn, {N(options.ManyPublishers)} in flight. Target (DESIGN §11): ≥ 0.9 × plain SignalR. Set-up: {string.Join("; ", setup)}.",
            string.Join(" ", verdicts));
    }

    /// <summary>
    /// The channels each connection subscribes to: channel <c>c</c>'s subscribers are connections
    /// <c>(c × subscribers + j) mod connections</c>, <c>j</c> &lt; subscribers, so they are distinct and every
    /// connection holds about the same number of subscriptions.
    /// </summary>
    private static string[][] SpreadSubscriptions(int channels, int subscribers, int connections)
    {
        var lists = Enumerable.Range(0, connections).Select(_ => new List<string>()).ToArray();
        for (var c = 0; c < channels; c++)
        {
            var name = LoadWire.PlainChannelPrefix + c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var j = 0; j < subscribers; j++)
            {
                lists[(int)(((long)c * subscribers + j) % connections)].Add(name);
            }
        }

        return lists.Select(l => l.ToArray()).ToArray();
    }
}
