using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>The scenarios of DESIGN §11, each measuring channels beside its baselines in the same run.</summary>
internal sealed class Scenarios(LoadOptions options, Report report, string runId)
{
    private int _prefixes;

    public string RedisPrefix => "loadtool-" + runId;

    private string NewPrefix() => $"{RedisPrefix}-{Interlocked.Increment(ref _prefixes)}";

    private Task<SystemUnderTest> StartAsync(string label, ServerKind kind, int nodes, bool redis, CancellationToken cancellationToken) =>
        SystemUnderTest.StartAsync(label, kind, nodes, redis ? options.Redis : null, NewPrefix(), options, cancellationToken);

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

    /// <summary>History-enabled publish vs the same publish without history, on Redis Streams or in memory.</summary>
    public async Task HistoryAsync(bool redis, CancellationToken cancellationToken)
    {
        if (redis && !RedisAvailable("history on Redis Streams"))
        {
            return;
        }

        var store = redis ? "Redis Streams" : "in-memory";
        await using var systems = new Systems();
        var system = systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis, cancellationToken));
        var channels = options.HistoryChannels;
        var subscribers = options.HistorySubscribers;
        await system.ConnectAsync(
            channels * subscribers,
            i => [LoadWire.HistoryChannelPrefix + (i % channels), LoadWire.PlainChannelPrefix + (i % channels)],
            cancellationToken);

        var on = $"history on ({store})";
        var off = "history off";
        var results = await MeasureAsync(redis ? "history-redis" : "history-memory",
        [
            new Contender(on, system, LoadWire.HistoryChannelPrefix, channels, options.HistoryEvents, subscribers, channels, options.Rate),
            new Contender(off, system, LoadWire.PlainChannelPrefix, channels, options.HistoryEvents, subscribers, channels, options.Rate),
        ], cancellationToken);
        var h = results[on];
        var n = results[off];
        report.Table(
            $"History-enabled publish, {store}{(redis ? " (scale-out configuration, one node)" : "")}: {channels} channels × {subscribers} subscribers, " +
            $"{N(options.HistoryEvents)} events, {channels} publishes in flight",
            ["variant", "publishes/s", "deliveries/s", "server CPU µs/delivery", "p50 ms", "p99 ms", "max ms", "lost", "vs history off"],
            new[] { h, n }.Select(t => new[]
            {
                t.Label, N(t.PublishesPerSecond), N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost), Ratio(t.DeliveriesPerSecond / n.DeliveriesPerSecond),
            }),
            redis
                ? $"Target: ≥ 0.7 × the same publish without history — {Verdict(h.DeliveriesPerSecond >= 0.7 * n.DeliveriesPerSecond)}."
                : "No target for the in-memory store; shown for comparison.");
    }

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

    private async Task<Dictionary<string, TrialSummary>> MeasureAsync(string scenario, IReadOnlyList<Contender> contenders, CancellationToken cancellationToken)
    {
        // Warm-up, not measured: tiered JIT, pools and socket buffers settle.
        foreach (var c in contenders)
        {
            var events = Math.Max(1, Math.Min(c.Events, Math.Max(50, c.Events / 4)));
            await c.System.TrialAsync(c.Label, c.Prefix, c.Channels, events, events * c.SubscribersPerEvent, c.Concurrency, c.Rate, options, cancellationToken);
        }

        // Systems take turns, so drift in machine load hits them alike; each measure's median over the rounds is reported.
        var trials = contenders.ToDictionary(c => c.Label, _ => new List<TrialResult>());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var c in contenders)
            {
                // Profiled in the last round, when tiered compilation has settled.
                var perf = round == options.Rounds - 1 && options.PerfDirectory is { } directory
                    ? Path.Combine(directory, $"{scenario.Replace(' ', '-').Replace('/', '-')}-{c.Label.Replace(' ', '-').Replace("+", "", StringComparison.Ordinal)}.perf.data")
                    : null;
                var result = await c.System.TrialAsync(c.Label, c.Prefix, c.Channels, c.Events, c.Events * c.SubscribersPerEvent, c.Concurrency, c.Rate, options, cancellationToken, perf);
                trials[c.Label].Add(result);
                Console.Error.WriteLine(
                    $"  {scenario} / {c.Label} / round {round + 1}: {N(result.DeliveriesPerSecond)} deliveries/s, " +
                    $"{N(result.ServerCpuMicrosecondsPerDelivery, 2)} µs server CPU/delivery, p99 {Ms(result.Latency.P99)} ms, lost {result.Lost}");
            }
        }

        return trials.ToDictionary(t => t.Key, t => TrialSummary.Of(t.Value));
    }

    /// <summary>
    /// The load phases of a throughput scenario: as fast as the server accepts (or <c>--rate</c>), then paced at
    /// <c>--paced-rate</c> for about 3 seconds, where latency and CPU per delivery are not dominated by queues.
    /// </summary>
    private IEnumerable<(string Phase, int Rate, int Events)> Phases(int events)
    {
        yield return (options.Rate == 0 ? "max" : $"{N(options.Rate)} ev/s", options.Rate, events);
        if (options.PacedRate > 0 && options.PacedRate != options.Rate)
        {
            yield return ($"{N(options.PacedRate)} ev/s", options.PacedRate, Math.Max(1, Math.Min(events, options.PacedRate * 3)));
        }
    }

    private static string[] ThroughputRow(string phase, TrialSummary t, TrialSummary plain, TrialSummary raw) =>
    [
        phase, t.Label, N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2),
        Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost),
        Ratio(t.DeliveriesPerSecond / plain.DeliveriesPerSecond), Ratio(t.DeliveriesPerSecond / raw.DeliveriesPerSecond),
    ];

    private static int CountMembers(byte[] subscribeResult)
    {
        using var document = System.Text.Json.JsonDocument.Parse(subscribeResult);
        return document.RootElement.GetProperty("result").GetProperty("members").GetArrayLength();
    }

    private bool RedisAvailable(string scenario)
    {
        if (options.Redis is not null)
        {
            return true;
        }

        report.Line($"_{scenario}: skipped (--no-redis)._");
        report.Line();
        return false;
    }

    /// <summary>What one measured system publishes per trial.</summary>
    private sealed record Contender(string Label, SystemUnderTest System, string Prefix, int Channels, int Events, long SubscribersPerEvent, int Concurrency, int Rate)
    {
        public static Contender OneChannel(SystemUnderTest system, int events, int subscribers, int rate) =>
            new(system.Label, system, LoadWire.PlainChannelPrefix, 1, events, subscribers, 1, rate);
    }

    /// <summary>Systems that live for one scenario.</summary>
    private sealed class Systems : List<SystemUnderTest>, IAsyncDisposable
    {
        public new SystemUnderTest Add(SystemUnderTest system)
        {
            base.Add(system);
            return system;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var system in this)
            {
                await system.DisposeAsync();
            }
        }
    }
}
