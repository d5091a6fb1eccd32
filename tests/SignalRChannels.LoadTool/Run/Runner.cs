using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Runs the chosen scenarios within the time budget and writes the report.</summary>
internal static class Runner
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var report = new Report();
        var runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId;
        var scenarios = new Scenarios(options, report, runId);
        var clock = Stopwatch.StartNew();
        using var budget = new CancellationTokenSource(options.MaxDuration);
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, interrupted.Token);

        report.Line($"## Load run {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        report.Line();
        report.Line($"- Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        report.Line($"- Load average at start (1/5/15 min): {LoadAverage()}");
        report.Line($"- Command: `dotnet tests/SignalRChannels.LoadTool/bin/Release/net10.0/SignalRChannels.LoadTool.dll {options.CommandLine}`".Replace("dll `", "dll`", StringComparison.Ordinal));
        report.Line($"- Servers: separate processes, {(options.ServerGc ? "server" : "workstation")} GC, loopback; Redis {options.Redis ?? "not used"}");
        report.Line();

        var failures = 0;
        var steps = new (string Name, Func<CancellationToken, Task> Run)[]
        {
            ("fanout", scenarios.FanOutAsync),
            ("official", scenarios.OfficialClientAsync),
            ("crossnode", scenarios.CrossNodeAsync),
            ("history", ct => scenarios.HistoryAsync(redis: true, ct)),
            ("history", ct => scenarios.HistoryAsync(redis: false, ct)),
            ("queued", scenarios.QueuedAsync),
            ("presence", ct => scenarios.PresenceAsync(1, ct)),
            ("presence", ct => scenarios.PresenceAsync(options.Nodes, ct)),
            ("idle", scenarios.IdleAsync),
            ("pusher", scenarios.PusherFanOutAsync),
            ("pipeline", scenarios.PipelineAsync),
            ("manychannels", ct => scenarios.ManyChannelsAsync(1, ct)),
            ("manychannels", ct => scenarios.ManyChannelsAsync(options.Nodes, ct)),
            ("smallchannels", scenarios.SmallChannelsAsync),
            ("heartbeat", scenarios.HeartbeatAsync),
            ("churn", scenarios.PresenceChurnAsync),
            ("socketio", ct => scenarios.SocketIoAsync(1, ct)),
            ("socketio", ct => scenarios.SocketIoAsync(options.Nodes, ct)),
            ("query", ct => scenarios.QueryAsync(options.Nodes, ct)),
        };
        foreach (var (name, run) in steps.Where(s => options.Scenarios.Contains(s.Name)))
        {
            if (stop.IsCancellationRequested)
            {
                report.Line($"_{name}: not run — {(interrupted.IsCancellationRequested ? "interrupted" : "time budget spent")}._");
                report.Line();
                continue;
            }

            Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {name}");
            try
            {
                await run(stop.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures++;
                report.Line($"_{name}: failed — {(ex is OperationCanceledException && stop.IsCancellationRequested ? "time budget spent" : ex.GetType().Name + ": " + ex.Message)}._");
                report.Line();
                Console.Error.WriteLine(ex);
            }
        }

        await CleanRedisAsync(options.Redis, scenarios.RedisPrefix);
        report.Line($"- Load average at end (1/5/15 min): {LoadAverage()}; wall time {clock.Elapsed.TotalSeconds:N0} s");
        if (options.OutputPath is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>Removes the keys this run left (history streams, presence); SignalR's backplane leaves none.</summary>
    private static async Task CleanRedisAsync(string? redis, string prefix)
    {
        if (redis is null)
        {
            return;
        }

        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis + ",connectTimeout=2000,abortConnect=false");
            var database = connection.GetDatabase();
            var keys = new List<RedisKey>();
            // Every master of a Redis Cluster holds some of the keys; one server otherwise.
            foreach (var server in connection.GetServers().Where(s => !s.IsReplica))
            {
                await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
                {
                    keys.Add(key);
                }
            }

            // A DEL of several keys must stay in one hash slot on a cluster.
            foreach (var slot in keys.GroupBy(k => connection.HashSlot(k)))
            {
                foreach (var chunk in slot.Chunk(500))
                {
                    await database.KeyDeleteAsync(chunk);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException)
        {
            Console.Error.WriteLine($"could not clean Redis keys {prefix}*: {ex.Message}");
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
