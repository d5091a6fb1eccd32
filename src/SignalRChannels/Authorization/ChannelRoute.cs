namespace SignalRChannels;

/// <summary>
/// An authorization route registered with <see cref="ChannelsBuilder.Private(string, Delegate)"/>, <see cref="ChannelsBuilder.Presence"/>
/// or <see cref="ChannelsBuilder.Public"/>. Chain calls to add requirements.
/// </summary>
public sealed class ChannelRoute
{
    private readonly List<string> _policies = [];

    internal ChannelRoute(ChannelKind kind, ChannelPattern pattern, Delegate? callback)
    {
        Kind = kind;
        Pattern = pattern;
        Callback = callback is null ? null : new Authorization.RouteCallback(callback, kind, pattern);
    }

    /// <summary>The kind of channel the route authorizes.</summary>
    public ChannelKind Kind { get; }

    /// <summary>The route's pattern, without the kind prefix.</summary>
    public ChannelPattern Pattern { get; }

    internal Authorization.RouteCallback? Callback { get; }

    internal IReadOnlyList<string> Policies => _policies;

    /// <summary>
    /// Requires ASP.NET Core authorization policies, checked before the callback with the user of the connection
    /// and a <see cref="ChannelAuthorizationContext"/> as the resource.
    /// </summary>
    /// <param name="policies">The policy names.</param>
    /// <returns>This route.</returns>
    public ChannelRoute RequireAuthorization(params string[] policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        foreach (var policy in policies)
        {
            ArgumentException.ThrowIfNullOrEmpty(policy);
            _policies.Add(policy);
        }

        return this;
    }
}
