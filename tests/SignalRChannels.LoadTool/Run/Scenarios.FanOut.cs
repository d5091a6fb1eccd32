using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Fan-out on one node, with light clients and with the official .NET client.</summary>
internal sealed partial class Scenarios
{
    // Not "plain …": the paired ratios take the first system whose label starts with "plain" as the baseline.
    private const string ControlLabel = "control: plain SignalR";

    /// <summary>Fan-out on one node: one channel, many subscribers, light clients; channels vs plain SignalR vs raw WebSockets.</summary>
    public async Task FanOutAsync(CancellationToken cancellationToken)
    {
        const string channel = LoadWire.PlainChannelPrefix + "0";
        await using var systems = new Systems();
        var channels = systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis: false, cancellationToken));
        var plain = systems.Add(await StartAsync("plain SignalR", ServerKind.Plain, 1, redis: false, cancellationToken));
        var raw = systems.Add(await StartAsync("raw WebSocket", ServerKind.Raw, 1, redis: false, cancellationToken));
        if (options.Control)
        {
            systems.Add(await StartAsync(ControlLabel, ServerKind.Plain, 1, redis: false, cancellationToken));
        }

        foreach (var system in systems)
        {
            await system.ConnectAsync(options.Connections, _ => [channel], cancellationToken);
        }

        var rows = new List<string[]>();
        var verdicts = new List<string>();
        foreach (var (phase, rate, events) in Phases(options.Events))
        {
            var results = await MeasureAsync("fanout-" + phase, systems.Select(s => Contender.OneChannel(s, events, options.Connections, rate)).ToList(), cancellationToken);
            var c = results["channels"];
            var p = results["plain SignalR"];
            var r = results["raw WebSocket"];
            rows.AddRange(new[] { c, p, r }.Concat(results.TryGetValue(ControlLabel, out var control) ? [control] : []).Select(t => ThroughputRow(phase, t, p, r)));
            // Per server core: deliveries per CPU-second, 1 / CPU per delivery.
            var perCorePlain = p.ServerCpuMicrosecondsPerDelivery / c.ServerCpuMicrosecondsPerDelivery;
            var perCoreRaw = r.ServerCpuMicrosecondsPerDelivery / c.ServerCpuMicrosecondsPerDelivery;
            verdicts.Add($"{phase}: per server core, channels ≥ 1.5 × plain SignalR group send — {Verdict(perCorePlain >= 1.5)} ({Ratio(perCorePlain)}), " +
                $"≥ 0.8 × raw WebSocket — {Verdict(perCoreRaw >= 0.8)} ({Ratio(perCoreRaw)}); deliveries/s {Ratio(c.DeliveriesPerSecond / p.DeliveriesPerSecond)} of plain.");
        }

        report.Table(
            $"Fan-out, one node: 1 channel × {N(options.Connections)} subscribers, {options.Size}-byte data (light clients)",
            ["load", "system", "deliveries/s", "server CPU µs/delivery", "server cores", "p50 ms", "p99 ms", "max ms", "lost", "vs plain", "vs raw"],
            rows,
            "Targets (DESIGN §11), per server core (1 / CPU per delivery): channels ≥ 1.5 × plain SignalR group send and ≥ 0.8 × the raw WebSocket server.",
            string.Join(" ", verdicts));
    }

    /// <summary>Fan-out with the official .NET client: what users see (the client, not the server, is the limit).</summary>
    public async Task OfficialClientAsync(CancellationToken cancellationToken)
    {
        const string channel = LoadWire.PlainChannelPrefix + "0";
        await using var systems = new Systems();
        systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis: false, cancellationToken));
        systems.Add(await StartAsync("plain SignalR", ServerKind.Plain, 1, redis: false, cancellationToken));
        foreach (var system in systems)
        {
            await system.ConnectAsync(options.OfficialConnections, _ => [channel], cancellationToken, official: true);
        }

        var results = await MeasureAsync("official", systems.Select(s => Contender.OneChannel(s, options.OfficialEvents, options.OfficialConnections, options.Rate)).ToList(), cancellationToken);
        var c = results["channels"];
        var p = results["plain SignalR"];
        report.Table(
            $"Fan-out with the official .NET client: 1 channel × {N(options.OfficialConnections)} subscribers, {N(options.OfficialEvents)} events",
            ["system", "deliveries/s", "server CPU µs/delivery", "server cores", "client cores", "p50 ms", "p99 ms", "max ms", "lost", "vs plain"],
            new[] { c, p }.Select(t => new[]
            {
                t.Label, N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2), N(t.ClientCores, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost), Ratio(t.DeliveriesPerSecond / p.DeliveriesPerSecond),
            }),
            "The client process deserializes every event here; compare client and server cores.");
    }
}
