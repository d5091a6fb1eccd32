using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Presence with many members, and memory per idle connection.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// Presence with many members in one channel: members are seeded through <see cref="IPresenceStore"/>, observers
    /// subscribe, then joiners subscribe one at a time; join → <c>member:joined</c> at every observer, and the time a
    /// <c>Subscribe</c> that returns every member takes.
    /// </summary>
    public async Task PresenceAsync(int nodes, CancellationToken cancellationToken)
    {
        if (nodes > 1 && !RedisAvailable("presence across nodes"))
        {
            return;
        }

        var channel = LoadWire.PresenceChannelPrefix + "big";
        await using var systems = new Systems();
        var system = systems.Add(await StartAsync("channels", ServerKind.Channels, nodes, redis: nodes > 1, cancellationToken));
        var seeded = options.PresenceMembers - options.PresenceObservers - options.PresenceJoiners;
        var seed = await system.Nodes[0].SeedPresenceAsync(channel, seeded, "s", cancellationToken);

        // Observers on every node; joiners on the last node, so with two nodes most observers hear of a join from Redis.
        await system.ConnectAsync(options.PresenceObservers, _ => [channel], cancellationToken, userOf: i => "o" + i, parallelism: 4);
        var recorder = new JoinRecorder(options.PresenceObservers);
        foreach (var observer in system.Clients)
        {
            observer.Sink = recorder;
        }

        var joiners = new List<LightClient>();
        var subscribeTimes = new List<double>();
        var members = 0;
        var missing = 0;
        try
        {
            for (var j = 0; j < options.PresenceJoiners; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var member = "j" + j;
                var joiner = await LightClient.ConnectAsync(system.Nodes[^1].HubUri("user=" + member), -1, hubProtocol: true, cancellationToken);
                joiners.Add(joiner);
                var sentAt = LoadWire.Now();
                var allSeen = recorder.Expect(member, sentAt);
                var result = await joiner.InvokeAsync("Subscribe", $"\"{channel}\",null", cancellationToken);
                subscribeTimes.Add(LoadWire.TicksToMilliseconds(LoadWire.Now() - sentAt));
                members = CountMembers(result);
                try
                {
                    await allSeen.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                }
                catch (TimeoutException)
                {
                    missing++;
                }
            }
        }
        finally
        {
            await Parallel.ForEachAsync(joiners, cancellationToken, (joiner, _) => joiner.DisposeAsync());
        }

        var joined = recorder.Latency();
        var here = LatencySummary.FromMilliseconds(subscribeTimes);
        var where = nodes == 1 ? "one node, in-memory store" : $"{nodes} nodes, Redis store (joins on node {nodes}, observers on all)";
        report.Table(
            $"Presence: {N(options.PresenceMembers)} members in one channel — {where}",
            ["measure", "n", "p50 ms", "p99 ms", "max ms", "target", "verdict"],
            [
                ["join → member:joined at the others", N(joined.Count), Ms(joined.P50), Ms(joined.P99), Ms(joined.Max), "p99 < 50 ms", Verdict(joined.P99 < 50 && missing == 0)],
                [$"Subscribe returning {N(members)} members", N(here.Count), Ms(here.P50), Ms(here.P99), Ms(here.Max), "< 100 ms", Verdict(here.P99 < 100)],
            ],
            $"{N(seeded)} members seeded through IPresenceStore in {N(seed.ElapsedMs)} ms (no member:joined storm while the channel fills); " +
            $"{options.PresenceObservers} observers (members too) subscribed over the nodes; {options.PresenceJoiners} joiners one at a time; " +
            $"joins not seen by every observer within 5 s: {missing}.");
    }

    /// <summary>Memory per idle connection with 3 subscriptions, on the server, after a full GC.</summary>
    public async Task IdleAsync(CancellationToken cancellationToken)
    {
        var rows = new List<(string Label, double Managed, double WorkingSet)>();
        foreach (var (label, kind) in new[] { ("channels", ServerKind.Channels), ("plain SignalR", ServerKind.Plain), ("raw WebSocket", ServerKind.Raw) })
        {
            await using var system = await StartAsync(label, kind, 1, redis: false, cancellationToken);
            var before = await system.Nodes[0].MemoryAsync(cancellationToken);
            await system.ConnectAsync(options.IdleConnections, i => ["idle.all", "idle.g" + (i % 10), "idle.c" + i], cancellationToken);
            var after = await system.Nodes[0].MemoryAsync(cancellationToken);
            rows.Add((label,
                (after.ManagedBytes - before.ManagedBytes) / (double)options.IdleConnections,
                (after.WorkingSetBytes - before.WorkingSetBytes) / (double)options.IdleConnections));
        }

        var plain = rows.Single(r => r.Label == "plain SignalR");
        var channels = rows.Single(r => r.Label == "channels");
        report.Table(
            $"Idle connections with 3 subscriptions: {N(options.IdleConnections)} connections, server memory after a full GC",
            ["system", "managed heap bytes/connection", "working set bytes/connection", "heap vs plain", "working set vs plain"],
            rows.Select(r => new[] { r.Label, N(r.Managed), N(r.WorkingSet), Ratio(r.Managed / plain.Managed), Ratio(r.WorkingSet / plain.WorkingSet) }),
            $"Target: channels ≤ 1.2 × a plain SignalR connection (managed heap) — {Verdict(channels.Managed <= 1.2 * plain.Managed)}. " +
            "Working set includes Kestrel's and the sockets' native buffers and is noisier.");
    }
}
