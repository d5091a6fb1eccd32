using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// A subscription's dispatch loop: items are handled one at a time, in the order queued, off the connection's
/// receive loop; a handler that throws is logged and does not stop the loop.
/// </summary>
internal sealed class DispatchQueue
{
    private readonly Channel<DispatchItem> _queue = Channel.CreateUnbounded<DispatchItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopped = new();
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly Func<DispatchItem, CancellationToken, ValueTask> _dispatch;

    public DispatchQueue(string name, ILogger logger, Func<DispatchItem, CancellationToken, ValueTask> dispatch)
    {
        _name = name;
        _logger = logger;
        _dispatch = dispatch;
    }

    public ChannelWriter<DispatchItem> Writer => _queue.Writer;

    public void Start() => _ = Task.Run(LoopAsync);

    /// <summary>Completes once the loop handled everything queued so far (or the queue was stopped).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new DispatchItem.Flush(done)) ? done.Task : Task.CompletedTask;
    }

    /// <summary>Accepts nothing more and cancels the handler running.</summary>
    public void Stop()
    {
        _queue.Writer.TryComplete();
        _stopped.Cancel();
    }

    private async Task LoopAsync()
    {
        var token = _stopped.Token;
        await foreach (var item in _queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await _dispatch(item, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ChannelsClientLog.HandlerFailed(_logger, _name, item.GetType().Name, ex);
            }
        }
    }
}
