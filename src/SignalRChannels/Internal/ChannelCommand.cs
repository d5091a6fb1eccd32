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

    void Subscribe(Func<ChannelCommand, Task> handler);
}

internal sealed class LocalChannelCommandBus : IChannelCommandBus
{
    private Func<ChannelCommand, Task>? _handler;

    public Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken) =>
        _handler?.Invoke(command) ?? Task.CompletedTask;

    public void Subscribe(Func<ChannelCommand, Task> handler) => _handler = handler;
}
