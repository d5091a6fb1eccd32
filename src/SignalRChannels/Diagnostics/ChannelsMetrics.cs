using System.Diagnostics.Metrics;

namespace SignalRChannels.Diagnostics;

/// <summary>
/// The instruments of meter <see cref="MeterName"/>: connections, subscriptions, denials, published events,
/// recoveries, presence changes and heartbeat round-trip times. Names and units follow OpenTelemetry conventions.
/// </summary>
internal sealed class ChannelsMetrics
{
    public const string MeterName = "SignalRChannels";

    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _subscriptions;
    private readonly Counter<long> _denials;
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _recoveries;
    private readonly Counter<long> _presenceChanges;
    private readonly Histogram<double> _roundTrip;

    public ChannelsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("signalrchannels.connections", "{connection}", "Connections to channel hubs on this node.");
        _subscriptions = meter.CreateUpDownCounter<long>("signalrchannels.subscriptions", "{subscription}", "Channel subscriptions on this node.");
        _denials = meter.CreateCounter<long>("signalrchannels.subscriptions.denied", "{subscription}", "Subscriptions refused by authorization.");
        _published = meter.CreateCounter<long>("signalrchannels.events.published", "{event}", "Events handed to the fan-out, server publishes and client events.");
        _dropped = meter.CreateCounter<long>("signalrchannels.events.dropped", "{event}", "Events a publish middleware dropped or failed on, so they were not sent.");
        _recoveries = meter.CreateCounter<long>("signalrchannels.recoveries", "{recovery}", "Resubscribes that asked to recover missed events, by outcome.");
        _presenceChanges = meter.CreateCounter<long>("signalrchannels.presence.changes", "{change}", "Members joining and leaving presence channels.");
        _roundTrip = meter.CreateHistogram<double>("signalrchannels.heartbeat.round_trip_time", "ms", "Round-trip times reported by clients through Heartbeat.");
    }

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);

    public void Subscribed(ChannelName channel) => _subscriptions.Add(1, Kind(channel));

    public void Unsubscribed(ChannelName channel, int count = 1) => _subscriptions.Add(-count, Kind(channel));

    public void Denied(ChannelName channel) => _denials.Add(1, Kind(channel));

    public void Published(ChannelName channel, bool clientEvent, bool persisted) =>
        _published.Add(1, Kind(channel), new("event.source", clientEvent ? "client" : "server"), new("history", persisted));

    public void Dropped(ChannelName channel, ChannelEventKind kind, string reason) =>
        _dropped.Add(1, Kind(channel), new("event.source", kind == ChannelEventKind.Whisper ? "client" : "server"), new("reason", reason));

    public void Recovery(bool recovered) => _recoveries.Add(1, new KeyValuePair<string, object?>("outcome", recovered ? "recovered" : "not_recovered"));

    public void PresenceChanged(string change, string? reason = null) =>
        _presenceChanges.Add(1, new("change", change), new("reason", reason));

    public void RoundTrip(double milliseconds) => _roundTrip.Record(milliseconds);

    private static KeyValuePair<string, object?> Kind(ChannelName channel) =>
        new("channel.kind", channel.Kind switch { ChannelKind.Private => "private", ChannelKind.Presence => "presence", _ => "public" });
}
