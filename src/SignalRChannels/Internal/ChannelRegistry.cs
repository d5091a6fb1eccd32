namespace SignalRChannels.Internal;

/// <summary>Everything registered through <see cref="ChannelsBuilder"/>: routes and per-pattern settings.</summary>
internal sealed class ChannelRegistry
{
    private readonly List<ChannelRoute> _routes = [];
    private readonly List<ChannelPattern> _whisperDisabled = [];
    private readonly List<(ChannelPattern Pattern, HistoryPolicy Policy)> _history = [];
    private readonly List<Pipeline.MiddlewareRegistration> _middleware = [];

    /// <summary>The publish middleware, in registration order.</summary>
    public IReadOnlyList<Pipeline.MiddlewareRegistration> Middleware => _middleware;

    public void AddMiddleware(Pipeline.MiddlewareRegistration registration) => _middleware.Add(registration);

    public ChannelRoute AddRoute(ChannelKind kind, string pattern, Delegate? callback) => Add(kind, pattern, callback, reserved: false);

    /// <summary>
    /// Adds a route for a channel the library reserves (the dashboard's): it is matched before every route of the
    /// app, so no app route can open it; a second reservation of the same pattern throws.
    /// </summary>
    public ChannelRoute AddReservedRoute(ChannelKind kind, string pattern)
    {
        if (_routes.Any(r => r.Kind == kind && string.Equals(r.Pattern.Text, pattern, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The route of the reserved channel '{pattern}' is registered already.");
        }

        return Add(kind, pattern, callback: null, reserved: true);
    }

    private ChannelRoute Add(ChannelKind kind, string pattern, Delegate? callback, bool reserved)
    {
        var parsed = ChannelPattern.Parse(pattern);
        if (parsed.Kind is not null)
        {
            throw new ArgumentException(
                $"Register route '{pattern}' without the kind prefix: Private(\"orders.{{id}}\") authorizes private-orders.42.", nameof(pattern));
        }

        var route = new ChannelRoute(kind, parsed, callback);
        if (reserved)
        {
            _routes.Insert(0, route);
        }
        else
        {
            _routes.Add(route);
        }

        return route;
    }

    public void DisableWhispers(ChannelPattern pattern) => _whisperDisabled.Add(pattern);

    public void AddHistory(ChannelPattern pattern, HistoryPolicy policy) => _history.Add((pattern, policy));

    /// <summary>The history policy of the first matching pattern, or null when history is off for the channel.</summary>
    public HistoryPolicy? HistoryFor(ChannelName channel)
    {
        foreach (var (pattern, policy) in _history)
        {
            if (pattern.IsMatch(channel))
            {
                return policy;
            }
        }

        return null;
    }

    /// <summary>The first route of the channel's kind whose pattern matches, as Laravel does.</summary>
    public ChannelRoute? FindRoute(ChannelName channel, out IReadOnlyDictionary<string, string> values)
    {
        foreach (var route in _routes)
        {
            if (route.Kind == channel.Kind && route.Pattern.TryMatch(channel, out var matched))
            {
                values = matched;
                return route;
            }
        }

        values = new Dictionary<string, string>();
        return null;
    }

    /// <summary>
    /// The registered pattern that governs a channel, as a bounded metric label: its route's pattern, else its history
    /// pattern, else null.
    /// </summary>
    public string? PatternOf(ChannelName channel)
    {
        foreach (var route in _routes)
        {
            if (route.Kind == channel.Kind && route.Pattern.IsMatch(channel))
            {
                return route.Pattern.Text;
            }
        }

        foreach (var (pattern, _) in _history)
        {
            if (pattern.IsMatch(channel))
            {
                return pattern.Text;
            }
        }

        return null;
    }

    public bool WhispersEnabled(ChannelName channel) => !_whisperDisabled.Any(p => p.IsMatch(channel));
}
