namespace SignalRChannels.Cluster;

/// <summary>The command bus of a single node: commands go straight to this node's handler.</summary>
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
