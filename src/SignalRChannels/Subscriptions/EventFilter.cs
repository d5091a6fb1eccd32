using System.Security.Cryptography;
using System.Text;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// A subscription's event filter: the event names it wants, sorted and distinct, and a short key that names the
/// filter's SignalR group, so subscriptions with the same filter share one group (and one send per event).
/// Reserved <c>member:</c> and <c>channel:</c> events always pass.
/// </summary>
internal sealed class EventFilter
{
    /// <summary>Separates names on the command bus; event names cannot contain it.</summary>
    public const char Separator = '\n';

    private readonly HashSet<string> _names;

    private EventFilter(string[] sorted)
    {
        Names = sorted;
        _names = new HashSet<string>(sorted, StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(Separator, sorted)));
        Key = Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>16 hex digits of the SHA-256 of the names: the same filter has the same key on every node.</summary>
    public string Key { get; }

    public static EventFilter Create(IEnumerable<string> names) =>
        new([.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);

    public static EventFilter Parse(string joined) => Create(joined.Split(Separator));

    public string Join() => string.Join(Separator, Names);

    public bool Contains(string eventName) => _names.Contains(eventName);

    /// <summary>
    /// The events of an unbroken run after offset <paramref name="since"/> that pass, oldest first, each with
    /// <see cref="ChannelEvent.PrevOffset"/> set to the one before it (the first to <paramref name="since"/>, which
    /// is null when the run's start is not known).
    /// </summary>
    public List<ChannelEvent> Select(IEnumerable<ChannelEvent> events, long? since)
    {
        var selected = new List<ChannelEvent>();
        var previous = since;
        foreach (var @event in events)
        {
            if (Passes(@event.Event))
            {
                selected.Add(@event.WithPrevOffset(previous));
                previous = @event.Offset ?? previous;
            }
        }

        return selected;
    }

    /// <summary>Whether a subscription with this filter receives the event: a listed name, or a reserved presence or control event.</summary>
    public bool Passes(string eventName) =>
        _names.Contains(eventName)
        || eventName.StartsWith(EventNames.MemberPrefix, StringComparison.Ordinal)
        || eventName.StartsWith(EventNames.ChannelPrefix, StringComparison.Ordinal);
}
