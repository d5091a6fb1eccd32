using Microsoft.Extensions.Logging;

namespace SignalRChannels.Pusher.Internal;

internal static partial class PusherLog
{
    [LoggerMessage(100, LogLevel.Debug, "Pusher socket {SocketId} connected to app {AppId}.")]
    public static partial void Connected(ILogger logger, string socketId, string appId);

    [LoggerMessage(101, LogLevel.Debug, "Pusher socket {SocketId} disconnected.")]
    public static partial void Disconnected(ILogger logger, string socketId);

    [LoggerMessage(102, LogLevel.Debug, "Closing Pusher socket {SocketId} with {Code}: {Reason}")]
    public static partial void Closing(ILogger logger, string socketId, int code, string reason);

    [LoggerMessage(103, LogLevel.Information, "Pusher socket {SocketId} sent a subscription to {Channel} with a signature that does not match.")]
    public static partial void BadSignature(ILogger logger, string socketId, string channel);

    [LoggerMessage(104, LogLevel.Error, "The bridge of Pusher socket {SocketId} failed.")]
    public static partial void BridgeFailed(ILogger logger, Exception exception, string socketId);

    [LoggerMessage(105, LogLevel.Information, "A Pusher connection was refused: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);
}
