using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Queued broadcasting against direct publishing.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// Queued publish (<c>IChannelQueue</c>, Redis Streams queue) against direct publish on the same server, both on
    /// history-enabled channels in Redis: throughput at full speed, and enqueue-to-delivery latency at full speed and paced.
    /// </summary>
    public async Task QueuedAsync(CancellationToken cancellationToken)
    {
        if (!RedisAvailable("queued broadcasting on Redis"))
        {
            return;
        }

        await using var systems = new Systems();
        var system = systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis: true, cancellationToken));
        var channels = options.HistoryChannels;
        var subscribers = options.HistorySubscribers;
        await system.ConnectAsync(
            channels * subscribers,
            i => [LoadWire.QueuedChannelPrefix + (i % channels), LoadWire.HistoryChannelPrefix + (i % channels)],
            cancellationToken);

        const string Queued = "queued";
        const string Direct = "direct";
        foreach (var (phase, rate, events) in Phases(options.HistoryEvents))
        {
            var results = await MeasureAsync($"queued {phase}",
            [
                new Contender(Queued, system, LoadWire.QueuedChannelPrefix, channels, events, subscribers, channels, rate),
                new Contender(Direct, system, LoadWire.HistoryChannelPrefix, channels, events, subscribers, channels, rate),
            ], cancellationToken);
            var q = results[Queued];
            var d = results[Direct];
            report.Table(
                $"Queued vs direct publish, history on Redis Streams (one node, scale-out configuration), {phase}: {channels} channels × " +
                $"{subscribers} subscribers, {N(events)} events, {channels} publishers; latency from the publish (enqueue) call to delivery",
                ["variant", "publishes/s", "deliveries/s", "server CPU µs/delivery", "p50 ms", "p99 ms", "max ms", "lost", "vs direct"],
                new[] { q, d }.Select(t => new[]
                {
                    t.Label, N(t.PublishesPerSecond), N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2),
                    Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost), Ratio(t.DeliveriesPerSecond / d.DeliveriesPerSecond),
                }),
                rate == 0
                    ? $"Target: queued ≥ 0.8 × direct deliveries/s — {Verdict(q.DeliveriesPerSecond >= 0.8 * d.DeliveriesPerSecond)}."
                    : "Paced: latency without a backlog; throughput is the pace.");
        }
    }
}
