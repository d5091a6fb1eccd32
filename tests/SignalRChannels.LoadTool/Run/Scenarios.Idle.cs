using System.Diagnostics;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Idle connections: server memory per connection, and the CPU their heartbeats cost.</summary>
internal sealed partial class Scenarios
{
    /// <summary>Memory per idle connection with 3 subscriptions, on the server, after a full GC.</summary>
    public async Task IdleAsync(CancellationToken cancellationToken)
    {
        var rows = await IdleConnectionsAsync(options.IdleConnections, TimeSpan.Zero, cancellationToken);
        var plain = rows.Single(r => r.Label == "plain SignalR");
        var channels = rows.Single(r => r.Label == "channels");
        report.Table(
            $"Idle connections with 3 subscriptions: {N(options.IdleConnections)} connections, server memory after a full GC",
            ["system", "managed heap bytes/connection", "working set bytes/connection", "heap vs plain", "working set vs plain"],
            rows.Select(r => new[] { r.Label, N(r.Managed), N(r.WorkingSet), Ratio(r.Managed / plain.Managed), Ratio(r.WorkingSet / plain.WorkingSet) }),
            $"Target: channels ≤ 1.2 × a plain SignalR connection (managed heap) — {Verdict(channels.Managed <= 1.2 * plain.Managed)}. " +
            "Working set includes Kestrel's and the sockets' native buffers and is noisier.");
    }

    /// <summary>
    /// Many idle connections kept alive by heartbeats only: SignalR's keep-alive ping from the server every 15 s and
    /// a ping from each client every 10 s (what the official clients send). Memory per connection, then server CPU
    /// over <c>--rounds</c> idle windows of <c>--heartbeat-seconds</c> (median).
    /// </summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var window = TimeSpan.FromSeconds(options.HeartbeatSeconds);
        var rows = await IdleConnectionsAsync(options.HeartbeatConnections, window, cancellationToken);
        var plain = rows.Single(r => r.Label == "plain SignalR");
        var channels = rows.Single(r => r.Label == "channels");
        report.Table(
            $"Idle connections with heartbeats: {N(options.HeartbeatConnections)} connections with 3 subscriptions each, one node",
            ["system", "managed heap bytes/connection", "working set bytes/connection", "idle server cores", "server CPU µs per connection per s", "heap vs plain", "CPU vs plain"],
            rows.Select(r => new[]
            {
                r.Label, N(r.Managed), N(r.WorkingSet), N(r.IdleCores, 3), N(r.IdleCores * 1e6 / options.HeartbeatConnections, 2),
                Ratio(r.Managed / plain.Managed), Ratio(r.IdleCores / plain.IdleCores),
            }),
            $"Idle CPU: median over {options.Rounds} windows of {options.HeartbeatSeconds} s with every connection open and silent but for heartbeats. " +
            $"Memory target: channels ≤ 1.2 × plain SignalR (managed heap) — {Verdict(channels.Managed <= 1.2 * plain.Managed)}. " +
            "The raw WebSocket server has no application heartbeat (ASP.NET Core's WebSocket keep-alive is every 2 minutes) and its clients send none: its idle CPU is the floor of an open socket.");
    }

    private async Task<List<IdleRow>> IdleConnectionsAsync(int connections, TimeSpan window, CancellationToken cancellationToken)
    {
        var rows = new List<IdleRow>();
        foreach (var (label, kind) in new[] { ("channels", ServerKind.Channels), ("plain SignalR", ServerKind.Plain), ("raw WebSocket", ServerKind.Raw) })
        {
            await using var system = await StartAsync(label, kind, 1, redis: false, cancellationToken);
            var before = await system.Nodes[0].MemoryAsync(cancellationToken);
            await system.ConnectAsync(connections, i => ["idle.all", "idle.g" + (i % 10), "idle.c" + i], cancellationToken);
            var after = await system.Nodes[0].MemoryAsync(cancellationToken);
            var idleCores = new List<double>();
            for (var round = 0; window > TimeSpan.Zero && round < options.Rounds; round++)
            {
                var cpu = system.CpuTime;
                var clock = Stopwatch.StartNew();
                // A measuring window, not a wait for something to happen: the connections only exchange heartbeats.
                await Task.Delay(window, cancellationToken);
                idleCores.Add((system.CpuTime - cpu).TotalSeconds / clock.Elapsed.TotalSeconds);
                Console.Error.WriteLine($"  heartbeat / {label} / round {round + 1}: {N(idleCores[^1], 3)} idle server cores");
            }

            rows.Add(new IdleRow(
                label,
                (after.ManagedBytes - before.ManagedBytes) / (double)connections,
                (after.WorkingSetBytes - before.WorkingSetBytes) / (double)connections,
                idleCores.Count == 0 ? double.NaN : idleCores.Order().ElementAt(idleCores.Count / 2)));
        }

        return rows;
    }

    private sealed record IdleRow(string Label, double Managed, double WorkingSet, double IdleCores);
}
