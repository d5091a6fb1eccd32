namespace SignalRChannels.Query;

/// <summary>
/// Set on connections that do not come through SignalR's HTTP transports (the Pusher bridge) to name their transport
/// and protocol in <see cref="ChannelsConnectionInfo"/>.
/// </summary>
internal sealed record ConnectionTransportFeature(string Transport, string Protocol);
