using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Socket.IO 4 as a peer: what Node users pick, on one node and across nodes with its Redis adapter.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// One channel (a Socket.IO room) × <c>--connections</c> subscribers, light clients on both sides; channels vs the
    /// Socket.IO peer, on one node, or on <c>--nodes</c> nodes through Redis (SignalR's backplane vs
    /// <c>@socket.io/redis-adapter</c>), published on node 1. Skipped, with the reason, when node or the peer's npm
    /// packages are missing.
    /// </summary>
    public async Task SocketIoAsync(int nodes, CancellationToken cancellationToken)
    {
        var where = nodes == 1 ? "one node" : $"{nodes} nodes via Redis";
        if (SocketIoPeer.Unavailable is { } reason)
        {
            report.Line($"_Socket.IO peer, {where}: skipped — {reason}._");
            report.Line();
            return;
        }

        if (nodes > 1 && !RedisAvailable("Socket.IO peer across nodes"))
        {
            return;
        }

        const string channel = LoadWire.PlainChannelPrefix + "0";
        var redis = nodes > 1;
        var channelsLabel = redis ? "channels + Redis" : "channels";
        var socketIoLabel = redis ? "Socket.IO + Redis adapter" : "Socket.IO";
        await using var systems = new Systems();
        systems.Add(await StartAsync(channelsLabel, ServerKind.Channels, nodes, redis, cancellationToken));
        systems.Add(await StartAsync(socketIoLabel, ServerKind.SocketIo, nodes, redis, cancellationToken));
        foreach (var system in systems)
        {
            await system.ConnectAsync(options.Connections, _ => [channel], cancellationToken);
        }

        // Too short a trial can read no CPU time at all (the clock ticks in 10 ms): no figure rather than infinity.
        static double PerCore(TrialSummary t) => t.ServerCpuMicrosecondsPerDelivery > 0 ? 1e6 / t.ServerCpuMicrosecondsPerDelivery : double.NaN;
        var rows = new List<string[]>();
        var verdicts = new List<string>();
        foreach (var (phase, rate, events) in Phases(options.Events))
        {
            var results = await MeasureAsync($"socketio{nodes}-{phase}", systems.Select(s => Contender.OneChannel(s, events, options.Connections, rate)).ToList(), cancellationToken);
            var c = results[channelsLabel];
            var s = results[socketIoLabel];
            rows.AddRange(new[] { c, s }.Select(t => new[]
            {
                phase, t.Label, N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2), N(PerCore(t)),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost), Ratio(PerCore(c) / PerCore(t)),
            }));
            verdicts.Add($"{phase}: channels deliver {Ratio(PerCore(c) / PerCore(s))} Socket.IO's deliveries per server core — " +
                $"{Verdict(PerCore(c) >= 1.5 * PerCore(s))} (deliveries/s {Ratio(c.DeliveriesPerSecond / s.DeliveriesPerSecond)}).");
        }

        report.Table(
            $"Socket.IO 4 peer, {where}: 1 channel (room) × {N(options.Connections)} subscribers, {options.Size}-byte data (light clients)" +
            (redis ? ", published on node 1" : ""),
            ["load", "system", "deliveries/s", "server CPU µs/delivery", "server cores", "deliveries/s per server core", "p50 ms", "p99 ms", "max ms", "lost", "channels per core ÷ this"],
            rows,
            "Target (issue #21): channels ≥ 1.5 × Socket.IO's deliveries per second per server core (1 / CPU per delivery, all nodes). " +
            "Socket.IO runs on one Node thread per process; its emit does not wait for the sockets, so at `max` its queues grow in memory.",
            string.Join(" ", verdicts));
    }
}
