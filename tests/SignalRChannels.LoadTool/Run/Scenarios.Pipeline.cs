using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>The event pipeline's cost on fan-out: one no-op publish middleware, and an event filter on half the subscribers.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// Fan-out on one node, 1 channel: channels as shipped vs the same server with one no-op middleware vs the same
    /// server with half the subscribers filtered (their filter passes the published event, so every system delivers
    /// the same events; the filtered half sits in its own group, one more group send per event). A second, identical
    /// "channels" server is the control: its ratio to the first is what separate server processes differ by on this
    /// machine with nothing changed, the noise floor the other two ratios must be read against.
    /// </summary>
    public async Task PipelineAsync(CancellationToken cancellationToken)
    {
        const string channel = LoadWire.PlainChannelPrefix + "0";
        const string filtered = channel + "|" + LoadWire.EventName + ",other";
        await using var systems = new Systems();
        var baseline = systems.Add(await StartAsync("channels", ServerKind.Channels, 1, redis: false, cancellationToken));
        var middleware = systems.Add(await StartAsync("channels + no-op middleware", ServerKind.ChannelsMiddleware, 1, redis: false, cancellationToken));
        var filter = systems.Add(await StartAsync("channels, half filtered", ServerKind.Channels, 1, redis: false, cancellationToken));
        var control = systems.Add(await StartAsync("channels (control)", ServerKind.Channels, 1, redis: false, cancellationToken));
        await baseline.ConnectAsync(options.Connections, _ => [channel], cancellationToken);
        await middleware.ConnectAsync(options.Connections, _ => [channel], cancellationToken);
        await filter.ConnectAsync(options.Connections, i => [i % 2 == 0 ? channel : filtered], cancellationToken);
        await control.ConnectAsync(options.Connections, _ => [channel], cancellationToken);

        var rows = new List<string[]>();
        var verdicts = new List<string>();
        foreach (var (phase, rate, events) in Phases(options.Events))
        {
            var results = await MeasureAsync("pipeline-" + phase, systems.Select(s => Contender.OneChannel(s, events, options.Connections, rate)).ToList(), cancellationToken);
            var b = results[baseline.Label];
            var m = results[middleware.Label];
            var f = results[filter.Label];
            var c = results[control.Label];
            rows.AddRange(new[] { b, m, f, c }.Select(t => new[]
            {
                phase, t.Label, N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost), Ratio(t.DeliveriesPerSecond / b.DeliveriesPerSecond),
            }));
            verdicts.Add(
                $"{phase}: no-op middleware ≥ 0.95 × without — {Verdict(m.DeliveriesPerSecond >= 0.95 * b.DeliveriesPerSecond)} ({Ratio(m.DeliveriesPerSecond / b.DeliveriesPerSecond)}); " +
                $"half filtered ≥ 0.9 × none — {Verdict(f.DeliveriesPerSecond >= 0.9 * b.DeliveriesPerSecond)} ({Ratio(f.DeliveriesPerSecond / b.DeliveriesPerSecond)}); " +
                $"control (same server again) {Ratio(c.DeliveriesPerSecond / b.DeliveriesPerSecond)}.");
        }

        report.Table(
            $"Event pipeline, one node: 1 channel × {N(options.Connections)} subscribers, {options.Size}-byte data (light clients)",
            ["load", "system", "deliveries/s", "server CPU µs/delivery", "server cores", "p50 ms", "p99 ms", "max ms", "lost", "vs channels"],
            rows,
            "Targets (#15): one no-op publish middleware ≥ 0.95 ×, an event filter on half the subscribers ≥ 0.9 × the same fan-out without. " +
            "The control is the same server as the first, run as another process: its ratio is the run's noise floor.",
            string.Join(" ", verdicts));
    }
}
