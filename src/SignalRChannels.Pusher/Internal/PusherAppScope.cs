namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The Pusher app one socket belongs to: the mapping of its channel names to core ones and back, and the app's shared
/// cache of translated frames.
/// </summary>
internal sealed class PusherAppScope(PusherApp app, bool isDefault, int maxChannelNameLength, PusherFrameCache frames)
{
    public PusherApp App { get; } = app;

    public PusherFrameCache Frames { get; } = frames;

    public bool TryToCore(string? pusherName, out ChannelName name, out string? error) =>
        PusherChannelNames.TryToCore(App, isDefault, pusherName, maxChannelNameLength, out name, out error);

    public string ToPusher(string coreName) => PusherChannelNames.ToPusher(App, isDefault, coreName);
}
