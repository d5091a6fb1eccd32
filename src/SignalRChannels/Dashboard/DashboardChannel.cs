namespace SignalRChannels.Dashboard;

/// <summary>
/// The reserved channel the dashboard page listens on. Its route is added by <c>MapChannelsDashboard</c> ahead of
/// the app's routes and requires the dashboard's policy; whispers on it are off, so only the server publishes.
/// </summary>
internal static class DashboardChannel
{
    public const string RoutePattern = "signalrchannels.dashboard";

    public const string Name = ChannelName.PrivatePrefix + RoutePattern;

    /// <summary>The event each node publishes once per sampling interval while someone watches.</summary>
    public const string SampleEvent = "sample";

    public static ChannelName Channel { get; } = ChannelName.Parse(Name);

    public static bool Is(ChannelName channel) => string.Equals(channel.Value, Name, StringComparison.Ordinal);
}
