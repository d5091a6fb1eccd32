using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>History-enabled publishes.</summary>
internal sealed partial class Scenarios
{
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

        var publishers = Math.Max(options.HistoryPublishers, channels);
        var on = $"history on ({store})";
        var off = "history off";
        var results = await MeasureAsync(redis ? "history-redis" : "history-memory",
        [
            new Contender(on, system, LoadWire.HistoryChannelPrefix, channels, options.HistoryEvents, subscribers, publishers, options.Rate),
            new Contender(off, system, LoadWire.PlainChannelPrefix, channels, options.HistoryEvents, subscribers, publishers, options.Rate),
        ], cancellationToken);
        var h = results[on];
        var n = results[off];
        report.Table(
            $"History-enabled publish, {store}{(redis ? " (scale-out configuration, one node)" : "")}: {channels} channels × {subscribers} subscribers, " +
            $"{N(options.HistoryEvents)} events, {N(publishers)} publishes in flight",
            ["variant", "publishes/s", "deliveries/s", "server CPU µs/delivery", "p50 ms", "p99 ms", "max ms", "lost", "vs history off", "CPU per delivery vs history off"],
            new[] { h, n }.Select(t => new[]
            {
                t.Label, N(t.PublishesPerSecond), N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost), Ratio(t.DeliveriesPerSecond / n.DeliveriesPerSecond),
                Ratio(t.ServerCpuMicrosecondsPerDelivery / n.ServerCpuMicrosecondsPerDelivery),
            }),
            redis
                ? $"Target (DESIGN §11): ≥ 0.85 × the same publish without history — {Verdict(h.DeliveriesPerSecond >= 0.85 * n.DeliveriesPerSecond)}."
                : "No target for the in-memory store; shown for comparison.");
    }
}
