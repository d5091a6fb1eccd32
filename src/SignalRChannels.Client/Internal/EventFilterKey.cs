namespace SignalRChannels.Client.Internal;

/// <summary>Event filters in one normal form (sorted, distinct), so equal filters compare and batch together.</summary>
internal static class EventFilterKey
{
    public static IReadOnlyList<string>? Normalize(IReadOnlyList<string>? events)
    {
        if (events is null)
        {
            return null;
        }

        if (events.Count == 0 || events.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("An event filter lists one or more event names; pass null for every event.", nameof(events));
        }

        return Array.AsReadOnly(events.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>A key that is equal for equal filters; empty for none.</summary>
    public static string Of(IReadOnlyList<string>? events) => events is null ? string.Empty : string.Join('\n', events);
}
