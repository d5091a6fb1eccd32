using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// A node killed (SIGKILL) mid-traffic behind nginx: its clients reconnect through nginx to the survivor within the
/// reconnect policy's bound, and on a history channel every event is either delivered (once, in order) or reported
/// by a gap event: nothing is lost silently. <c>SCALEOUT_KILL_CLIENTS</c> (default 30) sets how many clients take
/// part; the test prints reconnect times (p50/p99) for the figures in docs/scaleout.md.
/// </summary>
public sealed class NodeKillTests(ITestOutputHelper output)
{
    /// <summary>How long a client may take to be connected again: the first retry is immediate, later ones wait at most 1 s.</summary>
    private static readonly TimeSpan s_reconnectBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task KillingANodeMidTraffic_ClientsReconnectToTheSurvivorInTime_AndNoEventIsLostSilently()
    {
        var clientCount = int.TryParse(Environment.GetEnvironmentVariable("SCALEOUT_KILL_CLIENTS"), CultureInfo.InvariantCulture, out var n) ? n : 30;
        var redis = await TestRedis.GetConfigurationAsync();
        var prefix = TestRedis.NewPrefix("scaleout-kill");
        await using var doomed = await ServerNode.StartAsync("a", new ServerNodeOptions { Redis = redis, Prefix = prefix });
        await using var survivor = await ServerNode.StartAsync("b", new ServerNodeOptions { Redis = redis, Prefix = prefix });
        await using var nginx = await Nginx.StartAsync([doomed, survivor]);
        var channelName = "history." + Guid.NewGuid().ToString("N");

        var watched = new List<WatchedClient>();
        try
        {
            for (var i = 0; i < clientCount; i++)
            {
                var client = new WatchedClient(TestClients.Create(nginx.HubUrl), channelName);
                watched.Add(client);
                await client.Client.StartAsync().DefaultTimeout();
            }

            await Task.WhenAll(watched.Select(w => w.Channel.WhenSubscribedAsync())).DefaultTimeout();
            var onDoomed = new List<WatchedClient>();
            foreach (var client in watched)
            {
                if (await client.Client.NodeAsync().DefaultTimeout() == "a")
                {
                    onDoomed.Add(client);
                }
            }

            Assert.InRange(onDoomed.Count, clientCount / 2 - 1, clientCount / 2 + 1);

            // Traffic from the survivor's HTTP API while the node dies.
            using var http = new HttpClient();
            using var stopPublishing = new CancellationTokenSource();
            var published = 0;
            var publisher = Task.Run(async () =>
            {
                while (!stopPublishing.IsCancellationRequested)
                {
                    await survivor.PublishManyAsync(http, channelName, "tick", 5, start: Volatile.Read(ref published) + 1);
                    Interlocked.Add(ref published, 5);
                }
            });
            await Task.WhenAll(watched.Select(w => w.Offsets.WaitForCountAsync(10)));

            var killedAt = Stopwatch.GetTimestamp();
            doomed.Kill();
            await Task.WhenAll(onDoomed.Select(w => w.Reconnected.Task)).WaitAsync(s_reconnectBound + TimeSpan.FromSeconds(5));
            await Task.WhenAll(watched.Select(w => w.Offsets.WaitUntilAsync(o => o.Count > 0 && o[^1] >= Volatile.Read(ref published) - 5 && w.Client.State == ConnectionState.Connected)));

            await stopPublishing.CancelAsync();
            await publisher.DefaultTimeout();
            var last = published;

            foreach (var client in watched)
            {
                await client.Offsets.WaitUntilAsync(o => o.Count > 0 && o[^1] >= last);
                Assert.Equal("b", await client.Client.NodeAsync().DefaultTimeout());
                client.AssertEveryOffsetDeliveredOrReported(last);
            }

            var reconnectMs = onDoomed.Select(w => Stopwatch.GetElapsedTime(killedAt, w.ReconnectedAt).TotalMilliseconds).Order().ToArray();
            var detectedMs = onDoomed.Select(w => Stopwatch.GetElapsedTime(killedAt, w.LostAt).TotalMilliseconds).Order().ToArray();
            var gaps = watched.Sum(w => w.Gaps.Items.Count);
            output.WriteLine(
                $"{clientCount} clients, {onDoomed.Count} on the killed node, {last} events published: reconnect after SIGKILL through nginx "
                + $"p50 {Percentile(reconnectMs, 0.50):0} ms, p99 {Percentile(reconnectMs, 0.99):0} ms, max {reconnectMs[^1]:0} ms "
                + $"(connection loss seen after p50 {Percentile(detectedMs, 0.50):0} ms); gap events {gaps}");
            Assert.All(reconnectMs, ms => Assert.True(ms < s_reconnectBound.TotalMilliseconds, $"a client took {ms:0} ms to reconnect"));
        }
        finally
        {
            foreach (var client in watched)
            {
                await client.Client.DisposeAsync();
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>A client subscribed to one history channel, recording offsets, gap events and when it came back.</summary>
    private sealed class WatchedClient
    {
        public WatchedClient(ChannelsClient client, string channelName)
        {
            Client = client;
            Channel = client.Channel(channelName);
            Channel.On<Numbered>("tick", (_, e) =>
            {
                Offsets.Add(e.Offset!.Value);
                return Task.CompletedTask;
            });
            Channel.GapDetected += (_, e) => Gaps.Add(e);
            client.StateChanged += (_, e) =>
            {
                if (e.Current == ConnectionState.Reconnecting && LostAt == 0)
                {
                    LostAt = Stopwatch.GetTimestamp();
                }

                if (e.Previous == ConnectionState.Reconnecting && e.Current == ConnectionState.Connected)
                {
                    ReconnectedAt = Stopwatch.GetTimestamp();
                    Reconnected.TrySetResult();
                }
            };
        }

        public ChannelsClient Client { get; }

        public ChannelSubscription Channel { get; }

        public Recorder<long> Offsets { get; } = new();

        public Recorder<GapDetectedEventArgs> Gaps { get; } = new();

        public TaskCompletionSource Reconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long ReconnectedAt { get; private set; }

        public long LostAt { get; private set; }

        /// <summary>Offsets strictly increase (each once, in order); every offset up to <paramref name="last"/> was delivered or lies in a reported gap.</summary>
        public void AssertEveryOffsetDeliveredOrReported(long last)
        {
            var offsets = Offsets.Items;
            for (var i = 1; i < offsets.Count; i++)
            {
                Assert.True(offsets[i] > offsets[i - 1], $"offset {offsets[i]} after {offsets[i - 1]}");
            }

            var delivered = offsets.ToHashSet();
            var reported = new HashSet<long>();
            foreach (var gap in Gaps.Items)
            {
                var to = gap.ToOffset ?? offsets.Where(o => o > gap.FromOffset).DefaultIfEmpty(last + 1).Min() - 1;
                for (var o = gap.FromOffset; o <= to; o++)
                {
                    reported.Add(o);
                }
            }

            var silent = Enumerable.Range(1, (int)last).Select(o => (long)o).Where(o => !delivered.Contains(o) && !reported.Contains(o)).ToArray();
            Assert.True(silent.Length == 0, $"offsets lost without a gap event: {string.Join(',', silent.Take(20))}");
        }
    }
}
