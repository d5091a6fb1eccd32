using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Presence with many members.</summary>
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
}
