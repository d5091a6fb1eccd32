namespace SignalRChannels.Client.Internal;

/// <summary>What a subscription's dispatch loop hands to the app, in the order it happened.</summary>
internal abstract record DispatchItem
{
    public sealed record Event(ChannelEvent Value) : DispatchItem;

    public sealed record Gap(GapDetectedEventArgs Args) : DispatchItem;

    public sealed record Subscribed(SubscribedEventArgs Args, IReadOnlyList<PresenceMember>? Members, string? MembersNext, TaskCompletionSource Ready) : DispatchItem;

    public sealed record Failed(ChannelException Error, TaskCompletionSource Ready) : DispatchItem;

    public sealed record Unsubscribed(string Reason) : DispatchItem;

    /// <summary>Completes once everything queued before it was handled (tests on a null connection).</summary>
    public sealed record Flush(TaskCompletionSource Done) : DispatchItem;
}
