using System.Diagnostics;
using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Presence churn: members joining and leaving busy presence rooms, sustained.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// <c>--churn-rooms</c> presence rooms of <c>--churn-members</c> members each: steady members (real connections,
    /// joined one by one, so every one of them is an observer) plus churners that <c>Subscribe</c> and
    /// <c>Unsubscribe</c> their room in a loop for <c>--churn-seconds</c>. Each join returns the room's members and
    /// sends <c>member:joined</c> to the others; each leave sends <c>member:left</c>. Channels (in-memory presence
    /// store) vs plain SignalR with hand-written presence (<see cref="PlainPresence"/>), one node.
    /// </summary>
    public async Task PresenceChurnAsync(CancellationToken cancellationToken)
    {
        var rooms = options.ChurnRooms;
        var churnersPerRoom = options.ChurnWorkers / rooms;
        var churners = churnersPerRoom * rooms;
        var steadyPerRoom = options.ChurnMembers - churnersPerRoom;
        string Room(int i) => LoadWire.PresenceChannelPrefix + "churn" + (i % rooms).ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var systems = new Systems();
        systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis: false, cancellationToken));
        systems.Add(await StartAsync("plain SignalR", ServerKind.Plain, 1, redis: false, cancellationToken));
        foreach (var system in systems)
        {
            // Steady members first (one at a time per room would be n² events either way), then churners not yet in a room.
            await system.ConnectAsync(rooms * steadyPerRoom, i => [Room(i)], cancellationToken, userOf: i => "m" + i, parallelism: 8);
            await system.ConnectAsync(churners, _ => [], cancellationToken, userOf: i => "c" + i);
        }

        async Task<TrialResult> TrialAsync(SystemUnderTest system)
        {
            var steady = system.Clients.Take(rooms * steadyPerRoom).ToArray();
            var workers = system.Clients.Skip(rooms * steadyPerRoom).Cast<LightClient>().ToArray();
            var recorder = new ChurnRecorder(LoadWire.Now());
            foreach (var client in steady)
            {
                client.Sink = recorder;
            }

            var serverCpu = system.CpuTime;
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var deadline = TimeSpan.FromSeconds(options.ChurnSeconds);
            var roundTrips = new List<long>[workers.Length];
            var cycles = new long[workers.Length];
            await Parallel.ForAsync(0, workers.Length, new ParallelOptions { MaxDegreeOfParallelism = workers.Length, CancellationToken = cancellationToken }, async (w, ct) =>
            {
                var room = $"\"{Room(w)}\"";
                roundTrips[w] = [];
                while (clock.Elapsed < deadline)
                {
                    var sent = LoadWire.Now();
                    await workers[w].InvokeAsync("Subscribe", room + ",null", ct);
                    roundTrips[w].Add(LoadWire.Now() - sent);
                    await workers[w].InvokeAsync("Unsubscribe", room, ct);
                    cycles[w]++;
                }
            });
            var seconds = clock.Elapsed.TotalSeconds;

            // Every join and every leave reaches every steady member of its room.
            var expected = cycles.Sum() * 2 * steadyPerRoom;
            try
            {
                await recorder.ExpectAsync(expected).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }
            catch (TimeoutException)
            {
                // Reported as loss.
            }

            var cpu = system.CpuTime - serverCpu;
            foreach (var client in steady)
            {
                client.Sink = null;
            }

            return new TrialResult(system.Label, expected, recorder.Received, cycles.Sum() * 2, seconds, cpu,
                Process.GetCurrentProcess().TotalProcessorTime - clientCpu, LatencySummary.From(roundTrips.SelectMany(r => r)));
        }

        var trials = systems.ToDictionary(s => s.Label, _ => new List<TrialResult>());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var system in systems)
            {
                var result = await TrialAsync(system);
                trials[system.Label].Add(result);
                Console.Error.WriteLine($"  churn / {system.Label} / round {round + 1}: {N(result.PublishesPerSecond)} joins+leaves/s, " +
                    $"{N(result.DeliveriesPerSecond)} events delivered/s, lost {result.Lost}");
            }
        }

        var results = trials.ToDictionary(t => t.Key, t => TrialSummary.Of(t.Value));
        var c = results["channels"];
        var p = results["plain SignalR"];
        static double CpuPerOp(TrialSummary t) => t.ServerCores * 1e6 / t.PublishesPerSecond;
        report.Table(
            $"Presence churn, one node: {rooms} rooms × {N(options.ChurnMembers)} members, {churners} members joining and leaving in a loop",
            ["system", "joins+leaves/s", "server CPU µs per join or leave", "events delivered/s", "server CPU µs/event delivered", "server cores",
                "join round trip p50 ms", "p99 ms", "lost events", "vs plain", "CPU per join/leave vs plain"],
            new[] { c, p }.Select(t => new[]
            {
                t.Label, N(t.PublishesPerSecond), N(CpuPerOp(t), 1), N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), N(t.Lost), Ratio(t.PublishesPerSecond / p.PublishesPerSecond), Ratio(CpuPerOp(t) / CpuPerOp(p)),
            }),
            $"Each churner connection is its own user: every Subscribe is a join (returning the room's ~{N(options.ChurnMembers)} members) and every Unsubscribe " +
            $"a leave; both reach the room's {N(steadyPerRoom)} steady members. {options.ChurnSeconds} s per trial, {options.Rounds} rounds, median. " +
            "Plain SignalR keeps its members in a dictionary beside its groups (PlainPresence in the load tool).");
    }
}
