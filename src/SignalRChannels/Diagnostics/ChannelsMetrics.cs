using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SignalRChannels.Internal;

namespace SignalRChannels.Diagnostics;

/// <summary>
/// The instruments of meter <see cref="MeterName"/>: connections, subscriptions, denials, published events,
/// recoveries, presence changes, heartbeat round-trip times, transport bytes and messages, occupied channels. Names and
/// units follow OpenTelemetry conventions. Labels are bounded: channel kind, the registered channel pattern (never a
/// channel name), direction, outcome; the node is the exporter's resource (<c>service.instance.id</c>).
/// </summary>
internal sealed class ChannelsMetrics
{
    public const string MeterName = "SignalRChannels";
    private const int MaxCachedPatterns = 10_000;
    private const string OtherPattern = "other";

    private static readonly KeyValuePair<string, object?> s_receive = new("network.io.direction", "receive");
    private static readonly KeyValuePair<string, object?> s_transmit = new("network.io.direction", "transmit");

    private readonly Meter _meter;
    private readonly ChannelRegistry _registry;
    private readonly ConcurrentDictionary<ChannelName, string> _patterns = new();
    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _subscriptions;
    private readonly Counter<long> _denials;
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _recoveries;
    private readonly Counter<long> _presenceChanges;
    private readonly Histogram<double> _roundTrip;
    private readonly NodeActivity _activity;

    public ChannelsMetrics(IMeterFactory meterFactory, ChannelRegistry registry, TrafficTotals traffic, NodeActivity activity)
    {
        _registry = registry;
        _activity = activity;
        _meter = meterFactory.Create(MeterName);
        _connections = _meter.CreateUpDownCounter<long>("signalrchannels.connections", "{connection}", "Connections to channel hubs on this node.");
        _subscriptions = _meter.CreateUpDownCounter<long>("signalrchannels.subscriptions", "{subscription}", "Channel subscriptions on this node.");
        _denials = _meter.CreateCounter<long>("signalrchannels.subscriptions.denied", "{subscription}", "Subscriptions refused by authorization.");
        _published = _meter.CreateCounter<long>("signalrchannels.events.published", "{event}", "Events handed to the fan-out, server publishes and client events.");
        _dropped = _meter.CreateCounter<long>("signalrchannels.events.dropped", "{event}", "Events a publish middleware dropped or failed on, so they were not sent.");
        _recoveries = _meter.CreateCounter<long>("signalrchannels.recoveries", "{recovery}", "Resubscribes that asked to recover missed events, by outcome.");
        _presenceChanges = _meter.CreateCounter<long>("signalrchannels.presence.changes", "{change}", "Members joining and leaving presence channels.");
        _roundTrip = _meter.CreateHistogram<double>("signalrchannels.heartbeat.round_trip_time", "ms", "Round-trip times reported by clients through Heartbeat.");
        // Summed from the connections' own counters when collected: a delivery never touches state shared between connections.
        _meter.CreateObservableCounter<long>("signalrchannels.io", () =>
        {
            var sums = traffic.Sum();
            return [new(sums.BytesReceived, s_receive), new(sums.BytesSent, s_transmit)];
        }, "By", "Bytes read from and written to channel connections' transports.");
        _meter.CreateObservableCounter<long>("signalrchannels.messages", () =>
        {
            var sums = traffic.Sum();
            return [new(sums.Invocations, s_receive), new(sums.MessagesSent, s_transmit)];
        }, "{message}", "Hub invocations received from channel connections, and messages written to them.");
    }

    /// <summary>Reports the node's occupied channels, read when a listener collects.</summary>
    public void ObserveOccupiedChannels(Func<long> count) =>
        _meter.CreateObservableUpDownCounter("signalrchannels.channels.occupied", count, "{channel}", "Channels with at least one subscription on this node.");

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);

    public void Subscribed(ChannelName channel) => _subscriptions.Add(1, Kind(channel), Pattern(channel));

    public void Unsubscribed(ChannelName channel, int count = 1) => _subscriptions.Add(-count, Kind(channel), Pattern(channel));

    public void Denied(ChannelName channel) => _denials.Add(1, Kind(channel), Pattern(channel));

    public void Published(ChannelName channel, bool clientEvent, bool persisted)
    {
        _activity.OnPublished(channel);
        if (_published.Enabled)
        {
            _published.Add(1, Kind(channel), Pattern(channel), new("event.source", clientEvent ? "client" : "server"), new("history", persisted));
        }
    }

    public void Dropped(ChannelName channel, ChannelEventKind kind, string reason) =>
        _dropped.Add(1, Kind(channel), Pattern(channel), new("event.source", kind == ChannelEventKind.Whisper ? "client" : "server"), new("reason", reason));

    public void Recovery(bool recovered) => _recoveries.Add(1, new KeyValuePair<string, object?>("outcome", recovered ? "recovered" : "not_recovered"));

    public void PresenceChanged(string change, string? reason = null) =>
        _presenceChanges.Add(1, new("change", change), new("reason", reason));

    public void RoundTrip(double milliseconds)
    {
        _activity.OnRoundTrip(milliseconds);
        _roundTrip.Record(milliseconds);
    }

    private static KeyValuePair<string, object?> Kind(ChannelName channel) =>
        new("channel.kind", channel.Kind switch { ChannelKind.Private => "private", ChannelKind.Presence => "presence", _ => "public" });

    /// <summary>The channel's registered pattern (bounded by the app's registrations), cached per channel.</summary>
    private KeyValuePair<string, object?> Pattern(ChannelName channel)
    {
        if (!_patterns.TryGetValue(channel, out var pattern))
        {
            if (_patterns.Count >= MaxCachedPatterns)
            {
                _patterns.Clear();
            }

            pattern = _patterns[channel] = _registry.PatternOf(channel) ?? OtherPattern;
        }

        return new("channel.pattern", pattern);
    }
}
