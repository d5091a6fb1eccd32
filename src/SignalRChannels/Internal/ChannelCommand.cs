namespace SignalRChannels.Internal;

/// <summary>A command every node applies to its own connections (revocation).</summary>
internal sealed record ChannelCommand(string Kind, string Target, string Pattern)
{
    public const string RevokeUser = "revoke-user";
    public const string RevokeConnection = "revoke-connection";
}

/// <summary>Carries <see cref="ChannelCommand"/>s to every node: in memory on one node, Redis pub/sub with scale-out.</summary>
internal interface IChannelCommandBus
{
    Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken);

    /// <summary>Starts delivering commands to <paramref name="handler"/>; called once, at host start-up.</summary>
    Task SubscribeAsync(Func<ChannelCommand, Task> handler, CancellationToken cancellationToken);
}

internal sealed class LocalChannelCommandBus : IChannelCommandBus
{
    private Func<ChannelCommand, Task>? _handler;

    public Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken) =>
        _handler?.Invoke(command) ?? Task.CompletedTask;

    public Task SubscribeAsync(Func<ChannelCommand, Task> handler, CancellationToken cancellationToken)
    {
        _handler = handler;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Subscribes this node to the command bus when the host starts, asynchronously and once, rather than on the
/// first connection (where a blocking Redis subscribe under a burst of connections starved the thread pool).
/// </summary>
internal sealed class ChannelCommandListener(IChannelCommandBus bus, ChannelSubscriptions subscriptions) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => bus.SubscribeAsync(subscriptions.ApplyAsync, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
