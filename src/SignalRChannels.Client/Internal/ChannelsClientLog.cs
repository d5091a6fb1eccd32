using Microsoft.Extensions.Logging;

namespace SignalRChannels.Client.Internal;

internal static partial class ChannelsClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {Url}.")]
    public static partial void Connected(ILogger logger, Uri url);

    [LoggerMessage(2, LogLevel.Warning, "The connection was lost; reconnecting.")]
    public static partial void ConnectionLost(ILogger logger, Exception? error);

    [LoggerMessage(3, LogLevel.Debug, "Reconnect attempt {Attempt} failed; next in {Delay}.")]
    public static partial void ReconnectAttemptFailed(ILogger logger, int attempt, TimeSpan delay, Exception? error);

    [LoggerMessage(4, LogLevel.Error, "Reconnection gave up.")]
    public static partial void ReconnectGaveUp(ILogger logger, Exception error);

    [LoggerMessage(5, LogLevel.Warning, "Subscription to {Channel} failed: {Message}")]
    public static partial void SubscribeFailed(ILogger logger, string channel, string message);

    [LoggerMessage(6, LogLevel.Error, "A '{What}' handler of channel {Channel} threw.")]
    public static partial void HandlerFailed(ILogger logger, string channel, string what, Exception error);

    [LoggerMessage(7, LogLevel.Warning, "Channel {Channel}: {Gap}.")]
    public static partial void Gap(ILogger logger, string channel, GapDetectedEventArgs gap);

    [LoggerMessage(8, LogLevel.Debug, "Unsubscribe from {Channel} failed.")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, Exception error);

    [LoggerMessage(9, LogLevel.Warning, "The server removed the subscription to {Channel}: {Reason}.")]
    public static partial void ServerUnsubscribed(ILogger logger, string channel, string reason);

    [LoggerMessage(10, LogLevel.Debug, "GetSocketId failed.")]
    public static partial void SocketIdFailed(ILogger logger, Exception error);

    [LoggerMessage(11, LogLevel.Warning, "Ignored a malformed ChannelEvent.")]
    public static partial void MalformedEvent(ILogger logger);

    [LoggerMessage(12, LogLevel.Debug, "Subscribe to {Channel} was interrupted by the connection; the next connection resubscribes.")]
    public static partial void SubscribeInterrupted(ILogger logger, string channel, Exception error);

    [LoggerMessage(13, LogLevel.Information, "The server refused Heartbeat ({Message}); heartbeats are off for this connection.")]
    public static partial void HeartbeatRefused(ILogger logger, string message);

    [LoggerMessage(14, LogLevel.Debug, "Heartbeat failed.")]
    public static partial void HeartbeatFailed(ILogger logger, Exception error);

    [LoggerMessage(15, LogLevel.Warning, "Reading the rest of the member list of {Channel} failed ({Message}); it holds the first page until the next subscription.")]
    public static partial void MembersIncomplete(ILogger logger, string channel, string message);
}
