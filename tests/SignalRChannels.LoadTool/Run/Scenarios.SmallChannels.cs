using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Small channels (a per-user channel, a small room): the cost per publish, not per delivery, decides.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// <c>--small-channels</c> channels with 1, then 10 subscribers each, held by <c>--small-connections</c> connections,
    /// <c>--small-publishers</c> publishes in flight spread over every channel; channels vs plain SignalR groups on one
    /// node, fresh servers for each group size. At one or ten recipients a delivery carries the whole per-publish cost.
    /// </summary>
    public async Task SmallChannelsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<string[]>();
        var verdicts = new List<string>();
        foreach (var subscribers in (int[])[1, 10])
        {
            await using var systems = new Systems();
            systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis: false, cancellationToken));
            systems.Add(await StartAsync("plain SignalR", ServerKind.Plain, 1, redis: false, cancellationToken));
            var connections = Math.Max(options.SmallConnections, subscribers);
            var subscriptions = SpreadSubscriptions(options.SmallChannels, subscribers, connections);
            foreach (var system in systems)
            {
                await system.ConnectAsync(connections, i => subscriptions[i], cancellationToken);
            }

            foreach (var (phase, rate, events) in Phases(options.SmallEvents, options.SmallPacedRate))
            {
                var contenders = systems
                    .Select(s => new Contender(s.Label, s, LoadWire.PlainChannelPrefix, options.SmallChannels, events, subscribers, options.SmallPublishers, rate))
                    .ToList();
                var results = await MeasureAsync($"smallchannels{subscribers}-{phase}", contenders, cancellationToken);
                var c = results["channels"];
                var p = results["plain SignalR"];
                rows.AddRange(new[] { c, p }.Select(t => new[]
                {
                    N(subscribers), phase, t.Label, N(t.PublishesPerSecond), N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2),
                    Ms(t.Latency.P50), Ms(t.Latency.P99), N(t.Lost),
                    Ratio(t.DeliveriesPerSecond / p.DeliveriesPerSecond), Ratio(p.ServerCpuMicrosecondsPerDelivery / t.ServerCpuMicrosecondsPerDelivery),
                }));
                var who = $"{subscribers} subscriber{(subscribers == 1 ? "" : "s")}, {phase}";
                var efficiency = Ratio(p.ServerCpuMicrosecondsPerDelivery / c.ServerCpuMicrosecondsPerDelivery);
                verdicts.Add(rate == 0
                    ? $"{who}: channels ≥ 0.95 × plain SignalR — {Verdict(c.DeliveriesPerSecond >= 0.95 * p.DeliveriesPerSecond)} " +
                      $"({Ratio(c.DeliveriesPerSecond / p.DeliveriesPerSecond)} of its deliveries/s, {efficiency} its deliveries per server CPU-second)."
                    : $"{who}: {efficiency} plain SignalR's deliveries per server CPU-second at the same load.");
            }
        }

        report.Table(
            $"Small channels, one node: {N(options.SmallChannels)} channels × 1 and × 10 subscribers, {N(options.SmallPublishers)} publishers, " +
            $"{N(options.SmallEvents)} events per trial at max, paced at {N(options.SmallPacedRate)} publishes/s",
            ["subscribers", "load", "system", "publishes/s", "deliveries/s", "server CPU µs/delivery", "server cores", "p50 ms", "p99 ms", "lost", "vs plain", "CPU efficiency vs plain"],
            rows,
            $"Every publish goes to the next channel, {N(options.SmallPublishers)} in flight, light clients spread over {N(options.SmallConnections)} connections. " +
            "Target (#21): ≥ 0.95 × plain SignalR at 1 and at 10 subscribers. At max, CPU per delivery falls as throughput rises " +
            "(more events coalesce per socket write), so the paced rows, at equal load, compare CPU per delivery fairly.",
            string.Join(" ", verdicts));
    }
}
