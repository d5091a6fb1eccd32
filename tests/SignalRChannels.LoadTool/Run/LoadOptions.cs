using System.Globalization;
using System.Net;

namespace SignalRChannels.LoadTool.Run;

/// <summary>The orchestrator's command line; every count and every wait is bounded.</summary>
internal sealed class LoadOptions
{
    public static readonly string[] AllScenarios = ["fanout", "official", "crossnode", "history", "queued", "presence", "idle", "pusher", "pipeline", "manychannels", "smallchannels", "heartbeat", "churn", "socketio", "query"];

    public IReadOnlyList<string> Scenarios { get; private set; } = AllScenarios;

    /// <summary>Subscribers of the one channel in the fan-out and cross-node scenarios.</summary>
    public int Connections { get; private set; } = 1000;

    /// <summary>Events per measured fan-out or cross-node trial.</summary>
    public int Events { get; private set; } = 1000;

    /// <summary>Bytes of event data (JSON), send timestamp included.</summary>
    public int Size { get; private set; } = 100;

    /// <summary>Events per second offered by the publisher; 0 publishes as fast as the server accepts them.</summary>
    public int Rate { get; private set; }

    /// <summary>
    /// Events per second of the paced phase of the fan-out and cross-node scenarios (latency and CPU per delivery
    /// below saturation); 0 skips that phase.
    /// </summary>
    public int PacedRate { get; private set; } = 250;

    /// <summary>Measured trials per system; systems take turns, and each measure's median over the rounds is reported.</summary>
    public int Rounds { get; private set; } = 3;

    /// <summary>
    /// How long each system is driven, unmeasured, before its first round: long enough for tiered compilation (and its
    /// instrumented PGO tier) to reach the optimized code of every hot path, which a single short burst did not.
    /// </summary>
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(10);

    public int OfficialConnections { get; private set; } = 200;

    public int OfficialEvents { get; private set; } = 1000;

    public int Nodes { get; private set; } = 2;

    public int HistoryChannels { get; private set; } = 10;

    public int HistorySubscribers { get; private set; } = 10;

    public int HistoryEvents { get; private set; } = 10_000;

    /// <summary>
    /// Publishes in flight in the history scenarios, spread over the channels (at least one per channel). With few in
    /// flight, throughput is bound by each publish's latency (history adds a Redis round trip); with many, by CPU.
    /// </summary>
    public int HistoryPublishers { get; private set; } = 10;

    public int PresenceMembers { get; private set; } = 10_000;

    public int PresenceObservers { get; private set; } = 100;

    public int PresenceJoiners { get; private set; } = 50;

    public int IdleConnections { get; private set; } = 1000;

    /// <summary>Channels of the many-channels scenario (a chat or dashboard product: many channels, few subscribers each).</summary>
    public int ManyChannels { get; private set; } = 10_000;

    public int ManySubscribers { get; private set; } = 5;

    /// <summary>Publishes in flight in the many-channels scenario.</summary>
    public int ManyPublishers { get; private set; } = 100;

    /// <summary>Connections that hold the many-channels subscriptions (channels × subscribers spread over them).</summary>
    public int ManyConnections { get; private set; } = 1000;

    public int ManyEvents { get; private set; } = 20_000;

    /// <summary>Events per second of the many-channels scenario's paced phase; 0 skips it.</summary>
    public int ManyPacedRate { get; private set; } = 2000;

    /// <summary>Channels of the small-channels scenario (1 and 10 subscribers each: the per-publish cost decides).</summary>
    public int SmallChannels { get; private set; } = 1000;

    /// <summary>Connections that hold the small-channels subscriptions.</summary>
    public int SmallConnections { get; private set; } = 1000;

    /// <summary>Publishes in flight in the small-channels scenario.</summary>
    public int SmallPublishers { get; private set; } = 100;

    public int SmallEvents { get; private set; } = 200_000;

    /// <summary>Publishes per second of the small-channels scenario's paced phase; 0 skips it.</summary>
    public int SmallPacedRate { get; private set; } = 5000;

    public int HeartbeatConnections { get; private set; } = 10_000;

    /// <summary>
    /// Seconds of each idle measuring window of the heartbeat scenario: a multiple of SignalR's keep-alive (15 s) and of
    /// the clients' ping (10 s), so every window holds the same number of each.
    /// </summary>
    public int HeartbeatSeconds { get; private set; } = 30;

    public int ChurnRooms { get; private set; } = 2;

    /// <summary>Members of each churn room: steady members plus its share of the churners.</summary>
    public int ChurnMembers { get; private set; } = 1000;

    /// <summary>Connections that join and leave their room in a loop, spread over the rooms.</summary>
    public int ChurnWorkers { get; private set; } = 20;

    public int ChurnSeconds { get; private set; } = 10;

    /// <summary>Connections (each on a channel of its own) and presence members of the query scenario.</summary>
    public int QueryConnections { get; private set; } = 10_000;

    /// <summary>Calls of each measured query.</summary>
    public int QueryRepeat { get; private set; } = 20;

    /// <summary>Redis for the scale-out scenarios; null skips them.</summary>
    public string? Redis { get; private set; } = Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url
        ? url.Replace("redis://", "", StringComparison.OrdinalIgnoreCase).TrimEnd('/')
        : "127.0.0.1:6379";

    /// <summary>The whole run stops starting new work after this long.</summary>
    public TimeSpan MaxDuration { get; private set; } = TimeSpan.FromSeconds(2400);

    public bool ServerGc { get; private set; } = true;

    /// <summary>
    /// Fan-out also measures a second plain SignalR server beside the first (an A/A control): its per-round ratio to
    /// the first is how far two identical systems read apart in this run, the band a channels ratio must leave to mean anything.
    /// </summary>
    public bool Control { get; private set; }

    public string? OutputPath { get; private set; }

    /// <summary>When set, each measured server is profiled with <c>perf record</c> during its last measured round.</summary>
    public string? PerfDirectory { get; private set; }

    public string CommandLine { get; private set; } = "";

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions { CommandLine = string.Join(' ', args) };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--smoke":
                    options.ApplySmoke();
                    break;
                case "--scenarios":
                    var scenarios = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var scenario in scenarios.Where(s => !AllScenarios.Contains(s)))
                    {
                        throw new ArgumentException($"unknown scenario '{scenario}'; known: {string.Join(", ", AllScenarios)}");
                    }

                    options.Scenarios = scenarios;
                    break;
                case "--connections": options.Connections = Int(); break;
                case "--events": options.Events = Int(); break;
                case "--size": options.Size = Int(); break;
                case "--rate": options.Rate = Int(); break;
                case "--paced-rate": options.PacedRate = Int(); break;
                case "--rounds": options.Rounds = Int(); break;
                case "--warmup-seconds": options.Warmup = TimeSpan.FromSeconds(Int()); break;
                case "--official-connections": options.OfficialConnections = Int(); break;
                case "--official-events": options.OfficialEvents = Int(); break;
                case "--nodes": options.Nodes = Int(); break;
                case "--history-channels": options.HistoryChannels = Int(); break;
                case "--history-subscribers": options.HistorySubscribers = Int(); break;
                case "--history-events": options.HistoryEvents = Int(); break;
                case "--history-publishers": options.HistoryPublishers = Int(); break;
                case "--presence-members": options.PresenceMembers = Int(); break;
                case "--presence-observers": options.PresenceObservers = Int(); break;
                case "--presence-joiners": options.PresenceJoiners = Int(); break;
                case "--idle-connections": options.IdleConnections = Int(); break;
                case "--many-channels": options.ManyChannels = Int(); break;
                case "--many-subscribers": options.ManySubscribers = Int(); break;
                case "--many-publishers": options.ManyPublishers = Int(); break;
                case "--many-connections": options.ManyConnections = Int(); break;
                case "--many-events": options.ManyEvents = Int(); break;
                case "--many-paced-rate": options.ManyPacedRate = Int(); break;
                case "--small-channels": options.SmallChannels = Int(); break;
                case "--small-connections": options.SmallConnections = Int(); break;
                case "--small-publishers": options.SmallPublishers = Int(); break;
                case "--small-events": options.SmallEvents = Int(); break;
                case "--small-paced-rate": options.SmallPacedRate = Int(); break;
                case "--heartbeat-connections": options.HeartbeatConnections = Int(); break;
                case "--heartbeat-seconds": options.HeartbeatSeconds = Int(); break;
                case "--churn-rooms": options.ChurnRooms = Int(); break;
                case "--churn-members": options.ChurnMembers = Int(); break;
                case "--churn-workers": options.ChurnWorkers = Int(); break;
                case "--churn-seconds": options.ChurnSeconds = Int(); break;
                case "--query-connections": options.QueryConnections = Int(); break;
                case "--query-repeat": options.QueryRepeat = Int(); break;
                case "--redis": options.Redis = Value(); break;
                case "--no-redis": options.Redis = null; break;
                case "--control": options.Control = true; break;
                case "--max-seconds": options.MaxDuration = TimeSpan.FromSeconds(Int()); break;
                case "--server-gc": options.ServerGc = bool.Parse(Value()); break;
                case "--output": options.OutputPath = Value(); break;
                case "--perf": options.PerfDirectory = Value(); break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        options.Validate();
        return options;
    }

    /// <summary>Seconds-long run for the test suite: every scenario and system, tiny counts.</summary>
    private void ApplySmoke()
    {
        Connections = 20;
        Events = 20;
        PacedRate = 100;
        Rounds = 1;
        Warmup = TimeSpan.Zero;
        OfficialConnections = 4;
        OfficialEvents = 10;
        HistoryChannels = 2;
        HistorySubscribers = 3;
        HistoryEvents = 20;
        PresenceMembers = 200;
        PresenceObservers = 5;
        PresenceJoiners = 3;
        IdleConnections = 10;
        ManyChannels = 60;
        ManySubscribers = 3;
        ManyPublishers = 5;
        ManyConnections = 20;
        ManyEvents = 120;
        ManyPacedRate = 200;
        SmallChannels = 20;
        SmallConnections = 20;
        SmallPublishers = 5;
        SmallEvents = 100;
        SmallPacedRate = 200;
        HeartbeatConnections = 20;
        HeartbeatSeconds = 1;
        ChurnRooms = 2;
        ChurnMembers = 12;
        ChurnWorkers = 4;
        ChurnSeconds = 1;
        QueryConnections = 50;
        QueryRepeat = 3;
        MaxDuration = TimeSpan.FromSeconds(120);
    }

    private void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }

        // Bounded in count: nothing here may turn the tool into a load generator against anything but itself.
        Check(Connections is >= 1 and <= 20_000, "--connections must be 1..20000");
        Check(Events is >= 1 and <= 1_000_000, "--events must be 1..1000000");
        Check(Size is >= 40 and <= 1_000_000, "--size must be 40..1000000");
        Check(Rate is >= 0 and <= 1_000_000 && PacedRate is >= 0 and <= 1_000_000, "--rate and --paced-rate must be 0..1000000");
        Check(Rounds is >= 1 and <= 20, "--rounds must be 1..20");
        Check(OfficialConnections is >= 1 and <= 5_000, "--official-connections must be 1..5000");
        Check(OfficialEvents is >= 1 and <= 1_000_000, "--official-events must be 1..1000000");
        Check(Nodes is >= 2 and <= 4, "--nodes must be 2..4");
        Check(HistoryChannels is >= 1 and <= 1000 && HistorySubscribers is >= 1 and <= 1000, "--history-channels and --history-subscribers must be 1..1000");
        Check(HistoryEvents is >= 1 and <= 1_000_000, "--history-events must be 1..1000000");
        Check(HistoryPublishers is >= 1 and <= 1000, "--history-publishers must be 1..1000");
        Check(PresenceObservers >= 1 && PresenceJoiners >= 1 && PresenceMembers >= PresenceObservers + PresenceJoiners && PresenceMembers <= 100_000,
            "--presence-members must be at least observers + joiners, and at most 100000");
        Check(IdleConnections is >= 1 and <= 20_000, "--idle-connections must be 1..20000");
        Check(ManyChannels is >= 1 and <= 100_000 && ManySubscribers is >= 1 and <= 1000 && ManyPublishers is >= 1 and <= 1000,
            "--many-channels must be 1..100000, --many-subscribers and --many-publishers 1..1000");
        Check(ManyConnections is >= 1 and <= 20_000 && ManyConnections >= ManySubscribers, "--many-connections must be 1..20000 and at least --many-subscribers");
        Check(ManyEvents is >= 1 and <= 1_000_000 && ManyPacedRate is >= 0 and <= 1_000_000, "--many-events must be 1..1000000, --many-paced-rate 0..1000000");
        Check(SmallChannels is >= 1 and <= 100_000 && SmallConnections is >= 1 and <= 20_000 && SmallPublishers is >= 1 and <= 1000 && SmallEvents is >= 1 and <= 1_000_000
            && SmallPacedRate is >= 0 and <= 1_000_000,
            "--small-channels must be 1..100000, --small-connections 1..20000, --small-publishers 1..1000, --small-events 1..1000000, --small-paced-rate 0..1000000");
        Check(HeartbeatConnections is >= 1 and <= 20_000 && HeartbeatSeconds is >= 1 and <= 600, "--heartbeat-connections must be 1..20000, --heartbeat-seconds 1..600");
        Check(ChurnRooms is >= 1 and <= 100 && ChurnWorkers >= ChurnRooms && ChurnWorkers <= 1000 && ChurnSeconds is >= 1 and <= 600,
            "--churn-rooms must be 1..100, --churn-workers rooms..1000, --churn-seconds 1..600");
        Check(ChurnMembers > ChurnWorkers / ChurnRooms && ChurnMembers * ChurnRooms <= 20_000, "--churn-members must exceed the churners per room, and rooms × members ≤ 20000");
        Check(QueryConnections is >= 1 and <= 50_000, "--query-connections must be 1..50000");
        Check(QueryRepeat is >= 1 and <= 1000, "--query-repeat must be 1..1000");
        Check(MaxDuration > TimeSpan.Zero && MaxDuration <= TimeSpan.FromHours(1), "--max-seconds must be 1..3600");
        if (Redis is not null)
        {
            var host = Redis.Split(',')[0];
            var colon = host.LastIndexOf(':');
            host = colon > 0 && !host.EndsWith(']') ? host[..colon] : host;
            Check(host is "localhost" or "127.0.0.1" or "[::1]" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip)),
                "--redis must be a loopback address: the tool runs on loopback only");
        }
    }
}
