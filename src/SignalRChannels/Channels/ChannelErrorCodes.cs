namespace SignalRChannels;

/// <summary>
/// The stable error codes of wire protocol v1. A client error message starts with one of these, then a colon.
/// </summary>
public static class ChannelErrorCodes
{
    /// <summary>The channel name is not valid.</summary>
    public const string InvalidChannel = "invalid_channel";

    /// <summary>An argument or option is missing, malformed or out of range.</summary>
    public const string InvalidArgument = "invalid_argument";

    /// <summary>The connection may not do this (no matching route, the route denied it, or a policy failed).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The operation needs a subscription to the channel first.</summary>
    public const string NotSubscribed = "not_subscribed";

    /// <summary>The operation needs a presence channel.</summary>
    public const string NotPresence = "not_presence";

    /// <summary>Client events are disabled on this channel.</summary>
    public const string WhisperDisabled = "whisper_disabled";

    /// <summary>A payload is larger than the configured limit.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>The connection sent too much too fast.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>A count limit was reached (for example subscriptions per connection).</summary>
    public const string LimitExceeded = "limit_exceeded";

    /// <summary>A dependency (for example Redis) is unavailable; the operation may succeed later.</summary>
    public const string Unavailable = "unavailable";
}
