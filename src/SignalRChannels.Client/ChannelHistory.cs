namespace SignalRChannels.Client;

/// <summary>A page of a channel's history, as returned by <see cref="ChannelSubscription.HistoryAsync{T}"/>.</summary>
/// <typeparam name="T">The payload type (use <see cref="System.Text.Json.JsonElement"/> for a channel with mixed events).</typeparam>
/// <param name="Position">The stream's current position (its newest offset and epoch).</param>
/// <param name="Events">The events, in offset order, or newest first when reversed.</param>
public sealed record ChannelHistory<T>(StreamPosition? Position, IReadOnlyList<ChannelEvent<T>> Events);
