using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Fan-out on one node, with light clients and with the official .NET client.</summary>
internal sealed partial class Scenarios
{
    /// <summary>Fan-out on one node: one channel, many subscribers, light clients; channels vs plain SignalR vs raw WebSockets.</summary>
    public async Task FanOutAsync(CancellationToken cancellationToken)
    {
        const string channel = LoadWire.PlainChannelPrefix + "0";
        await using var systems = new Systems();
        var channels = systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis: false, cancellationToken));
        var plain = systems.Add(await StartAsync("plain SignalR", ServerKind.Plain, 1, redis: false, cancellationToken));
        var raw = systems.Add(await StartAsync("raw WebSocket", ServerKind.Raw, 1, redis: false, cancellationToken));
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
            rows.AddRange(new[] { c, p, r }.Select(t => ThroughputRow(phase, t, p, r)));
            verdicts.Add($"{phase}: channels ≥ 0.9 × plain SignalR group send — {Verdict(c.DeliveriesPerSecond >= 0.9 * p.DeliveriesPerSecond)} " +
                $"({Ratio(c.DeliveriesPerSecond / p.DeliveriesPerSecond)}); plain SignalR vs raw WebSocket {Ratio(p.DeliveriesPerSecond / r.DeliveriesPerSecond)}.");
        }

        report.Table(
            $"Fan-out, one node: 1 channel × {N(options.Connections)} subscribers, {options.Size}-byte data (light clients)",
            ["load", "system", "deliveries/s", "server CPU µs/delivery", "server cores", "p50 ms", "p99 ms", "max ms", "lost", "vs plain", "vs raw"],
            rows,
            "Target (DESIGN §11): channels ≥ 0.9 × plain SignalR group send.",
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
