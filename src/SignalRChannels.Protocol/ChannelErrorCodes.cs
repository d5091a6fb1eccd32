namespace SignalRChannels;

/// <summary>
/// The stable error codes of wire protocol v1. A coded error message starts with one of these, then a colon
/// (<c>forbidden: …</c>). <see cref="Unknown"/> is not sent by the server: clients use it for an error that
/// carries no recognizable code.
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

    /// <summary>
    /// A dependency (for example Redis) is unavailable, or a client could not complete the request while
    /// disconnected; the operation may succeed later.
    /// </summary>
    public const string Unavailable = "unavailable";

    /// <summary>
    /// The hub has no method of that name (added in protocol v1.1; older servers answered <see cref="InvalidArgument"/>).
    /// </summary>
    public const string UnknownMethod = "unknown_method";

    /// <summary>A publish middleware dropped the event (a whisper's sender gets this, with the middleware's reason).</summary>
    public const string EventDropped = "event_dropped";

    /// <summary>A publish middleware failed on the event, so it was not sent.</summary>
    public const string EventFailed = "event_failed";

    /// <summary>
    /// Client side only, never on the wire: the error carried no protocol code (for example an app hub method
    /// threw a plain <c>HubException</c>).
    /// </summary>
    public const string Unknown = "unknown";

    private static readonly string[] s_all =
    [
        InvalidChannel, InvalidArgument, Forbidden, NotSubscribed, NotPresence,
        WhisperDisabled, PayloadTooLarge, RateLimited, LimitExceeded, Unavailable, UnknownMethod, EventDropped, EventFailed,
    ];

    private static readonly HashSet<string> s_known = new(s_all, StringComparer.Ordinal);

    /// <summary>Every code of wire protocol v1 (without <see cref="Unknown"/>), in the order of <c>docs/protocol.md</c>.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(s_all);

    /// <summary>Whether <paramref name="code"/> is one of the protocol's codes (not <see cref="Unknown"/>).</summary>
    /// <param name="code">A code.</param>
    /// <returns><see langword="true"/> for a protocol code.</returns>
    public static bool IsKnown(string? code) => code is not null && s_known.Contains(code);
}
