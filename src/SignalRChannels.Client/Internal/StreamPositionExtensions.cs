namespace SignalRChannels.Client.Internal;

internal static class StreamPositionExtensions
{
    /// <summary>A position as the client keeps it: the epoch is never <see langword="null"/>.</summary>
    public static StreamPosition ToPosition(this StreamPosition position) =>
        position.Epoch is null ? position with { Epoch = string.Empty } : position;
}
