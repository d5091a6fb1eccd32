using Microsoft.Extensions.Logging;

namespace SignalRChannels.Limits;

internal static partial class ConnectionLimitLog
{
    [LoggerMessage(80, LogLevel.Warning, "Refused a connection: this node holds its limit of {MaxConnections} connections.", EventName = "ConnectionRefused")]
    public static partial void Refused(ILogger logger, int maxConnections);
}
