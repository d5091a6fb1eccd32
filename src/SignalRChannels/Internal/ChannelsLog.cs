using Microsoft.Extensions.Logging;

namespace SignalRChannels.Internal;

internal static partial class ChannelsLog
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} subscribed to {Channel}.")]
    public static partial void Subscribed(ILogger logger, string connectionId, string channel);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} unsubscribed from {Channel}.")]
    public static partial void Unsubscribed(ILogger logger, string connectionId, string channel);

    [LoggerMessage(3, LogLevel.Debug, "Connection {ConnectionId} was denied {Channel}: {Reason}.")]
    public static partial void Denied(ILogger logger, string connectionId, string channel, string reason);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} sent bad input to {Method}: {Error}.")]
    public static partial void BadInput(ILogger logger, string connectionId, string method, string error);

    [LoggerMessage(5, LogLevel.Error, "Hub method {Method} failed for connection {ConnectionId}.")]
    public static partial void MethodFailed(ILogger logger, Exception exception, string method, string connectionId);

    [LoggerMessage(6, LogLevel.Debug, "Connection {ConnectionId} left; removed {Count} subscriptions.")]
    public static partial void ConnectionRemoved(ILogger logger, string connectionId, int count);

    [LoggerMessage(7, LogLevel.Warning, "Connection {ConnectionId} was refused: user {UserId} holds the most connections allowed on this node.")]
    public static partial void TooManyConnections(ILogger logger, string connectionId, string userId);
}
