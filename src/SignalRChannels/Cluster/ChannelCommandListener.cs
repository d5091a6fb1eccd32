using Microsoft.Extensions.Hosting;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Cluster;

/// <summary>
/// Subscribes this node to the command bus when the host starts — without waiting for it (never on the connection
/// path, where a blocking subscribe under a burst of connections starved the thread pool) — and stops it with the host.
/// </summary>
internal sealed class ChannelCommandListener(IChannelCommandBus bus, Revocations revocations) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _subscribing = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribing = bus.SubscribeAsync(revocations.ApplyAsync, _stopping.Token);
        return Task.CompletedTask;
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
