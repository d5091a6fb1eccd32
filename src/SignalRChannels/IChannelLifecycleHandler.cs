namespace SignalRChannels;

/// <summary>
/// Server-side hooks of presence channels: a member joined or left, a channel got its first member or lost
/// its last. Each is raised once cluster-wide, by whichever node noticed. Register implementations in DI
/// (<c>services.AddSingleton&lt;IChannelLifecycleHandler, MyHandler&gt;()</c>); every method is optional.
/// </summary>
public interface IChannelLifecycleHandler
{
    /// <summary>A user's first connection joined a presence channel.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancels the hook.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    ValueTask OnMemberJoinedAsync(ChannelName channel, PresenceMember member, CancellationToken cancellationToken) => default;

    /// <summary>A user's last connection left a presence channel.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="member">The member.</param>
    /// <param name="reason"><c>left</c>, <c>disconnected</c> or <c>timeout</c>.</param>
    /// <param name="cancellationToken">Cancels the hook.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    ValueTask OnMemberLeftAsync(ChannelName channel, PresenceMember member, string reason, CancellationToken cancellationToken) => default;

    /// <summary>A presence channel got its first member.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels the hook.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    ValueTask OnChannelOccupiedAsync(ChannelName channel, CancellationToken cancellationToken) => default;

    /// <summary>A presence channel lost its last member.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels the hook.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    ValueTask OnChannelVacatedAsync(ChannelName channel, CancellationToken cancellationToken) => default;
}
