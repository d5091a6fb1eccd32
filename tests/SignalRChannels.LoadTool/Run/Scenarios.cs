using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>
/// The scenarios of DESIGN §11, each measuring channels beside its baselines in the same run. This part holds what they
/// share (starting systems, measuring rounds, phases); each scenario lives in its own <c>Scenarios.*.cs</c> file.
/// </summary>
internal sealed partial class Scenarios(LoadOptions options, Report report, string runId)
{
    private int _prefixes;

    public string RedisPrefix => "loadtool-" + runId;

    private string NewPrefix() => $"{RedisPrefix}-{Interlocked.Increment(ref _prefixes)}";

    private Task<SystemUnderTest> StartAsync(string label, ServerKind kind, int nodes, bool redis, CancellationToken cancellationToken) =>
        SystemUnderTest.StartAsync(label, kind, nodes, redis ? options.Redis : null, NewPrefix(), options, cancellationToken);

    private async Task<Dictionary<string, TrialSummary>> MeasureAsync(string scenario, IReadOnlyList<Contender> contenders, CancellationToken cancellationToken)
    {
        // Warm-up, not measured: tiered JIT, pools and socket buffers settle. Bursts until --warmup-seconds have passed
        // (at least one): a profile of the first round after a single burst still showed the JIT at 10 % of the
        // server's samples and hot paths in their instrumented tier, in the systems with more code the most.
        foreach (var c in contenders)
        {
            var events = Math.Max(1, Math.Min(c.Events, Math.Max(50, c.Events / 4)));
            var warming = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                await c.System.TrialAsync(c.Label, c.Prefix, c.Channels, events, events * c.SubscribersPerEvent, c.Concurrency, c.Rate, options, cancellationToken);
            }
            while (warming.Elapsed < options.Warmup);
        }

        // Systems take turns, so drift in machine load hits them alike, and the first turn moves on each round, so no
        // system always follows the same one (or a phase change); each measure's median over the rounds is reported.
        var trials = contenders.ToDictionary(c => c.Label, _ => new List<TrialResult>());
        for (var round = 0; round < options.Rounds; round++)
        {
            var first = round % contenders.Count;
            foreach (var c in contenders.Skip(first).Concat(contenders.Take(first)))
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

        WritePairedRatios(scenario, contenders, trials);
        return trials.ToDictionary(t => t.Key, t => TrialSummary.Of(t.Value));
    }

    /// <summary>
    /// Each system against the baseline measured in the same round (the first system whose label starts with "plain",
    /// or "history off"), as the median of the per-round ratios: when the machine drifts between rounds, as a shared
    /// 2-core machine does, a ratio per round compares like with like, where a ratio of two medians may pair a quiet
    /// round of one system with a disturbed round of the other.
    /// </summary>
    private void WritePairedRatios(string scenario, IReadOnlyList<Contender> contenders, Dictionary<string, List<TrialResult>> trials)
    {
        var baseline = contenders.FirstOrDefault(c => c.Label.StartsWith("plain", StringComparison.Ordinal) || c.Label == "history off");
        if (options.Rounds < 2 || baseline is null)
        {
            return;
        }

        var against = trials[baseline.Label];
        foreach (var contender in contenders.Where(c => c != baseline))
        {
            var rounds = trials[contender.Label];
            string Paired(Func<TrialResult, double> measure)
            {
                var ratios = rounds.Zip(against, (mine, theirs) => measure(mine) / measure(theirs)).ToArray();
                var each = ratios.Select(r => double.IsFinite(r) ? r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "–");
                return $"{Ratio(TrialSummary.Median(ratios.Where(double.IsFinite)))} ({string.Join(", ", each)})";
            }

            report.Line(
                $"_{scenario}: {contender.Label} ÷ {baseline.Label}, median of the per-round ratios (each round's in brackets): " +
                $"deliveries/s {Paired(t => t.DeliveriesPerSecond)}; server CPU per delivery {Paired(t => t.ServerCpuMicrosecondsPerDelivery)}; " +
                $"p99 {Paired(t => t.Latency.P99)}._");
        }

        report.Line();
    }

    /// <summary>
    /// The load phases of a throughput scenario: as fast as the server accepts (or <c>--rate</c>), then paced at
    /// <c>--paced-rate</c> for about 3 seconds, where latency and CPU per delivery are not dominated by queues.
    /// </summary>
    private IEnumerable<(string Phase, int Rate, int Events)> Phases(int events, int? pacedRate = null)
    {
        var paced = pacedRate ?? options.PacedRate;
        yield return (options.Rate == 0 ? "max" : $"{N(options.Rate)} ev/s", options.Rate, events);
        if (paced > 0 && paced != options.Rate)
        {
            yield return ($"{N(paced)} ev/s", paced, Math.Max(1, Math.Min(events, paced * 3)));
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
