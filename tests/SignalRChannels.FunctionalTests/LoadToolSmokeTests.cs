using System.Diagnostics;

namespace SignalRChannels.FunctionalTests;

/// <summary>
/// Runs the load tool (tests/SignalRChannels.LoadTool) for a few seconds with tiny counts, every scenario and every
/// baseline, so the tool cannot rot. Its own collection, run alone: its servers would otherwise steal CPU from the
/// timing-sensitive tests around it.
/// </summary>
[Collection(LoadToolCollection.Name)]
public class LoadToolSmokeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    // The smoke run asserts that every scenario runs and reports, not how fast: on an idle 2-core machine it takes about
    // a minute, but it starts a dozen server processes, and on a machine shared by other builds the tool's own smoke
    // budget (120 s) ran out in 7 of 10 runs (eng/flaky.sh, load average ~50). The budget given here is for a hang.
    private const int SmokeBudgetSeconds = 420;
    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(SmokeBudgetSeconds + 60);

    [Fact]
    public async Task SmokeRun_MeasuresEveryScenarioAgainstItsBaselines()
    {
        var output = Path.Combine(Path.GetTempPath(), $"loadtool-smoke-{Guid.NewGuid():N}.md");
        try
        {
            var (exitCode, log) = await RunToolAsync(
                "--smoke", "--max-seconds", SmokeBudgetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--redis", redis.Configuration, "--output", output);

            Assert.True(exitCode == 0, $"the load tool exited with {exitCode}:\n{log}");
            var report = await File.ReadAllTextAsync(output);
            Assert.DoesNotContain("failed —", report);
            Assert.DoesNotContain("skipped", report);
            foreach (var heading in new[]
            {
                "### Fan-out, one node", "### Fan-out with the official .NET client", "### Cross-node via Redis",
                "### History-enabled publish, Redis Streams", "### History-enabled publish, in-memory",
                "### Presence: 200 members in one channel — one node", "### Presence: 200 members in one channel — 2 nodes",
                "### Idle connections with 3 subscriptions", "### Fan-out to Pusher protocol clients, one node",
                "### Event pipeline, one node",
                "### Many channels, one node", "### Many channels, 2 nodes via Redis", "### Small channels, one node", "### Idle connections with heartbeats",
                "### Presence churn, one node", "### Socket.IO 4 peer, one node", "### Socket.IO 4 peer, 2 nodes via Redis",
                "### Query API: 50 channels and 50 connections on 2 nodes",
            })
            {
                Assert.Contains(heading, report);
            }

            foreach (var row in new[] { "| channels |", "| plain SignalR |", "| raw WebSocket |", "| channels + Redis |", "| plain SignalR + Redis |" })
            {
                Assert.Contains(row, report);
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task NonLoopbackRedis_IsRefused()
    {
        var (exitCode, log) = await RunToolAsync("--smoke", "--redis", "192.0.2.1:6379");

        Assert.Equal(2, exitCode);
        Assert.Contains("loopback", log);
    }

    private static async Task<(int ExitCode, string Log)> RunToolAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_runLimit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the load tool smoke run took longer than {s_runLimit}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    /// <summary>The tool's build output beside this test project's: tests/SignalRChannels.LoadTool/bin/&lt;config&gt;/&lt;tfm&gt;/.</summary>
    private static string ToolPath()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var tests = testOutput.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "SignalRChannels.LoadTool", "bin", configuration, framework, "SignalRChannels.LoadTool.dll");
        Assert.True(File.Exists(path), $"the load tool is not built at {path}; the test project's ProjectReference builds it");
        return path;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadToolCollection
{
    public const string Name = "Load tool";
}
