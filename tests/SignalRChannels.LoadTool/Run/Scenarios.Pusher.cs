using SignalRChannels.LoadTool.Serve;
using static SignalRChannels.LoadTool.Run.Report;

namespace SignalRChannels.LoadTool.Run;

/// <summary>Fan-out to Pusher protocol connections beside SignalR connections.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// One channel fanned out to pusher-js-protocol sockets (the Pusher endpoint's bridge) and, on an identical server
    /// process, to SignalR connections, with plain SignalR's group send as the common reference; light clients on both.
    /// </summary>
    public async Task PusherFanOutAsync(CancellationToken cancellationToken)
    {
        const string channel = LoadWire.PlainChannelPrefix + "0";
        const string viaSignalR = "channels, SignalR clients";
        const string viaPusher = "channels, Pusher clients";
        await using var systems = new Systems();
        systems.Add(await StartAsync(viaSignalR, ServerKind.Pusher, 1, redis: false, cancellationToken));
        var pusher = systems.Add(await StartAsync(viaPusher, ServerKind.Pusher, 1, redis: false, cancellationToken));
        systems.Add(await StartAsync("plain SignalR", ServerKind.Plain, 1, redis: false, cancellationToken));
        foreach (var system in systems)
        {
            await system.ConnectAsync(options.Connections, _ => [channel], cancellationToken, pusher: ReferenceEquals(system, pusher));
        }

        var rows = new List<string[]>();
        var verdicts = new List<string>();
        foreach (var (phase, rate, events) in Phases(options.Events))
        {
            var results = await MeasureAsync("pusher-" + phase, systems.Select(s => Contender.OneChannel(s, events, options.Connections, rate)).ToList(), cancellationToken);
            var s = results[viaSignalR];
            var p = results[viaPusher];
            var plain = results["plain SignalR"];
            rows.AddRange(new[] { s, p, plain }.Select(t => new[]
            {
                phase, t.Label, N(t.DeliveriesPerSecond), N(t.ServerCpuMicrosecondsPerDelivery, 2), N(t.ServerCores, 2),
                Ms(t.Latency.P50), Ms(t.Latency.P99), Ms(t.Latency.Max), N(t.Lost),
                Ratio(t.DeliveriesPerSecond / s.DeliveriesPerSecond), Ratio(t.DeliveriesPerSecond / plain.DeliveriesPerSecond),
            }));
            verdicts.Add($"{phase}: Pusher clients receive {Ratio(p.DeliveriesPerSecond / s.DeliveriesPerSecond)} of the SignalR clients' deliveries/s " +
                $"at {Ratio(p.ServerCpuMicrosecondsPerDelivery / s.ServerCpuMicrosecondsPerDelivery)} their server CPU per delivery.");
        }

        report.Table(
            $"Fan-out to Pusher protocol clients, one node: 1 channel × {N(options.Connections)} subscribers, {options.Size}-byte data (light clients)",
            ["load", "system", "deliveries/s", "server CPU µs/delivery", "server cores", "p50 ms", "p99 ms", "max ms", "lost", "vs SignalR clients", "vs plain"],
            rows,
            "Both channels servers are the same process image (the Pusher endpoint mapped beside the hub); only the clients' protocol differs.",
            string.Join(" ", verdicts));
    }
}
