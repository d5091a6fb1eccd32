using Microsoft.Extensions.Hosting;
using SignalRChannels.Pipeline;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Cluster;

/// <summary>
/// Subscribes this node to the command bus when the host starts — without waiting for it (never on the connection
/// path, where a blocking subscribe under a burst of connections starved the thread pool) — and stops it with the host.
/// Once subscribed, it asks the other nodes for their event filters (<see cref="FilterInterest"/>).
/// </summary>
internal sealed class ChannelCommandListener(IChannelCommandBus bus, Revocations revocations, FilterInterest filters) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _subscribing = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribing = SubscribeAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        await bus.SubscribeAsync(ApplyAsync, cancellationToken).ConfigureAwait(false);
        if (!cancellationToken.IsCancellationRequested)
        {
            await filters.RequestSyncAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(ChannelCommand command)
    {
        await filters.ApplyAsync(command).ConfigureAwait(false);
        await revocations.ApplyAsync(command).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _subscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while Redis was still away, or the host's stop timeout ran out.
        }
    }

    public void Dispose() => _stopping.Dispose();
}
