using Microsoft.Extensions.Options;

namespace SignalRChannels.Pusher.Internal;

/// <summary>The configured apps, looked up by key (WebSocket) and by id (HTTP API).</summary>
internal sealed class PusherApps(IOptions<PusherOptions> options)
{
    private readonly PusherApp[] _apps = [.. options.Value.Apps];
    private readonly Dictionary<PusherApp, PusherFrameCache> _frames = options.Value.Apps.ToDictionary(a => a, _ => new PusherFrameCache());

    /// <summary>The first app: its channel names are the core's channel names.</summary>
    public PusherApp Default => _apps[0];

    public IReadOnlyList<PusherApp> All => _apps;

    public PusherApp? FindByKey(string? key) =>
        key is null ? null : Array.Find(_apps, a => string.Equals(a.Key, key, StringComparison.Ordinal));

    public PusherApp? FindById(string? id) =>
        id is null ? null : Array.Find(_apps, a => string.Equals(a.Id, id, StringComparison.Ordinal));

    /// <summary>The translated-event cache shared by the app's connections (channel names differ between apps).</summary>
    public PusherFrameCache FramesOf(PusherApp app) => _frames[app];

    public bool IsDefault(PusherApp app) => ReferenceEquals(app, _apps[0]);
}
