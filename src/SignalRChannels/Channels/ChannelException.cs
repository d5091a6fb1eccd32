namespace SignalRChannels;

/// <summary>
/// A coded channel error. Thrown by the server-side API; on the wire it becomes a
/// <c>HubException</c> whose message is <c>"&lt;code&gt;: &lt;detail&gt;"</c>.
/// </summary>
public sealed class ChannelException : Exception
{
    /// <summary>Creates an error with a code from <see cref="ChannelErrorCodes"/> and a detail safe to show to clients.</summary>
    /// <param name="code">The stable error code.</param>
    /// <param name="detail">A short, client-safe explanation.</param>
    public ChannelException(string code, string detail)
        : base($"{code}: {detail}")
    {
        Code = code;
        Detail = detail;
    }

    /// <summary>The stable error code, one of <see cref="ChannelErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The client-safe explanation.</summary>
    public string Detail { get; }
}
