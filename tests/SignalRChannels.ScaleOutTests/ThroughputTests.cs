using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// What nginx costs: the same fan-out (events published on one node, delivered to subscribers over WebSockets)
/// measured with the subscribers connected directly and through nginx, in turns, median of three rounds. Prints the
/// ratio for docs/scaleout.md; <c>SCALEOUT_THROUGHPUT_SUBSCRIBERS</c> and <c>SCALEOUT_THROUGHPUT_EVENTS</c> scale it up.
/// </summary>
public sealed class ThroughputTests(ITestOutputHelper output)
{
    private const int Rounds = 3;

    [Fact]
    public async Task FanOut_ThroughNginx_KeepsMostOfTheDirectThroughput()
    {
        var subscribers = Setting("SCALEOUT_THROUGHPUT_SUBSCRIBERS", 10);
        var events = Setting("SCALEOUT_THROUGHPUT_EVENTS", 400);
        await using var node = await ServerNode.StartAsync("a", new ServerNodeOptions());
        await using var nginx = await Nginx.StartAsync([node]);
        using var http = new HttpClient();

        // Warm both paths up (JIT, connection pools) before measuring.
        await MeasureAsync(node, node.HubUrl, http, subscribers, events: 50);
        await MeasureAsync(node, nginx.HubUrl, http, subscribers, events: 50);
        var direct = new List<double>();
        var proxied = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            direct.Add(await MeasureAsync(node, node.HubUrl, http, subscribers, events));
            proxied.Add(await MeasureAsync(node, nginx.HubUrl, http, subscribers, events));
        }

        var ratio = Median(proxied) / Median(direct);
        output.WriteLine(
            $"fan-out of {events} events to {subscribers} WebSocket subscribers, median of {Rounds} rounds: direct {Median(direct):0} deliveries/s, "
            + $"through nginx {Median(proxied):0} deliveries/s, ratio {ratio:0.00}");
        // A loose floor: it fails on a broken proxy path (buffering, a lost upgrade), not on a noisy machine.
        Assert.True(ratio > 0.3, $"through nginx at {ratio:0.00} of direct");
    }

    private static async Task<double> MeasureAsync(ServerNode node, Uri hubUrl, HttpClient http, int subscribers, int events)
    {
        var name = "news." + Guid.NewGuid().ToString("N");
        var expected = (long)subscribers * events;
        var delivered = 0L;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = new List<ChannelsClient>();
        try
        {
            for (var i = 0; i < subscribers; i++)
            {
                var client = TestClients.Create(hubUrl);
                clients.Add(client);
                client.Channel(name).On<Numbered>("tick", _ =>
                {
                    if (Interlocked.Increment(ref delivered) == expected)
                    {
                        done.TrySetResult();
                    }
                });
                await client.StartAsync().DefaultTimeout();
                await client.Channel(name).WhenSubscribedAsync().DefaultTimeout();
            }

            var started = Stopwatch.GetTimestamp();
            await node.PublishManyAsync(http, name, "tick", events).DefaultTimeout();
            await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return expected / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
