using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Fan-out across nodes through Redis.</summary>
internal sealed partial class Scenarios
{
    /// <summary>Cross-node fan-out through Redis: channels + Redis vs plain SignalR's Redis backplane.</summary>
    public async Task CrossNodeAsync(CancellationToken cancellationToken)
    {
        if (!RedisAvailable("cross-node"))
        {
            return;
        }

        const string channel = LoadWire.PlainChannelPrefix + "0";
        await using var systems = new Systems();
        systems.Add(await StartAsync("channels + Redis", ServerKind.Channels, options.Nodes, redis: true, cancellationToken));
        systems.Add(await StartAsync("plain SignalR + Redis", ServerKind.Plain, options.Nodes, redis: true, cancellationToken));
        foreach (var system in systems)
        {
            await system.ConnectAsync(options.Connections, _ => [channel], cancellationToken);
        }

        var rows = new List<string[]>();
        var verdicts = new List<string>();
        foreach (var (phase, rate, events) in Phases(options.Events))
        {
            var results = await MeasureAsync("crossnode-" + phase, systems.Select(s => Contender.OneChannel(s, events, options.Connections, rate)).ToList(), cancellationToken);
            var c = results["channels + Redis"];
            var p = results["plain SignalR + Redis"];
            rows.AddRange(new[] { c, p }.Select(t => new[]
            {
                phase, t.Label, N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost),
                Ratio(t.DeliveriesPerSecond / p.DeliveriesPerSecond), Ratio(t.Latency.P99 / p.Latency.P99),
            }));
            verdicts.Add($"{phase}: throughput {Verdict(c.DeliveriesPerSecond >= 0.9 * p.DeliveriesPerSecond)} ({Ratio(c.DeliveriesPerSecond / p.DeliveriesPerSecond)}), " +
                $"p99 {Verdict(c.Latency.P99 <= 1.2 * p.Latency.P99)} ({Ratio(c.Latency.P99 / p.Latency.P99)}).");
        }

        report.Table(
            $"Cross-node via Redis, {options.Nodes} nodes: 1 channel × {N(options.Connections)} subscribers spread over the nodes, published on node 1",
            ["load", "system", "deliveries/s", "server CPU µs/delivery (all nodes)", "server cores", "p50 ms", "p99 ms", "max ms", "lost", "vs plain + Redis", "p99 vs plain + Redis"],
            rows,
            "Targets (DESIGN §11): ≥ 0.9 × plain SignalR's Redis backplane; p99 ≤ 1.2 × it.",
            string.Join(" ", verdicts));
    }
}
