using SignalRChannels.Api;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// One Pusher app's channel names for the shared HTTP API (<see cref="PusherChannelNames"/>): the default app sees the
/// core's names except other apps' namespaces; any other app sees only its own namespace, without the marker.
/// </summary>
internal sealed class PusherAppNamespace(PusherApps apps, PusherApp app, int maxChannelNameLength) : IChannelNamespace
{
    private const string PrivatePrefix = "private-";
    private const string PresencePrefix = "presence-";

    public bool TryToCore(string? name, out ChannelName channel, out string? error) =>
        PusherChannelNames.TryToCore(app, apps.IsDefault(app), name, maxChannelNameLength, out channel, out error);

    public string? ToExternal(string coreName)
    {
        var rest = coreName.StartsWith(PrivatePrefix, StringComparison.Ordinal) ? coreName[PrivatePrefix.Length..]
            : coreName.StartsWith(PresencePrefix, StringComparison.Ordinal) ? coreName[PresencePrefix.Length..]
            : coreName;
        var owner = apps.All.FirstOrDefault(a => !apps.IsDefault(a) && rest.StartsWith(a.Id + "@", StringComparison.Ordinal));
        if (apps.IsDefault(app))
        {
            return owner is null ? coreName : null;
        }

        return ReferenceEquals(owner, app) ? PusherChannelNames.ToPusher(app, isDefault: false, coreName) : null;
    }

    public bool IsWellFormedSocketId(string socketId) => PusherSocketIds.IsWellFormed(socketId);
}
