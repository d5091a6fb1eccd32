using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Redis.Internal;
using SignalRChannels.Webhooks.Internal;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Webhooks;

/// <summary>
/// This node's webhook outbox in Redis: a hash (<see cref="WebhookRedisKeys.Outbox"/>) of the events it has queued and
/// not finished with. One loop writes the changes in the order they were made (adds before the removes of the same
/// events), many per round trip. When the node's lease expires, the node whose presence sweep claims it copies the hash
/// into its own, deletes it, and sends what it holds.
/// </summary>
internal sealed partial class RedisWebhookOutbox(
    RedisConnection redis,
    IOptions<ChannelsRedisOptions> redisOptions,
    IOptions<PresenceOptions> presenceOptions,
    ILogger<RedisWebhookOutbox> logger) : IWebhookOutbox, IAsyncDisposable
{
    private const int MaxBatch = 1024;

    private readonly Channel<Change> _changes = Channel.CreateUnbounded<Change>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RedisKey _key = WebhookRedisKeys.Outbox(redisOptions.Value.Prefix, presenceOptions.Value.NodeId);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _loop;
    private bool _failing;

    public void Added(string endpointId, WebhookEvent webhookEvent) =>
        Write(new Change(new HashEntry(IWebhookOutbox.Field(endpointId, webhookEvent.Id), webhookEvent.ToJson()), default));

    public void Removed(string endpointId, IEnumerable<string> eventIds)
    {
        foreach (var id in eventIds)
        {
            Write(new Change(null, IWebhookOutbox.Field(endpointId, id)));
        }
    }

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> LoadAsync(CancellationToken cancellationToken)
    {
        var database = await redis.GetDatabaseAsync().ConfigureAwait(false);
        var entries = await database.HashGetAllAsync(_key).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.Select(e => KeyValuePair.Create((string)e.Name!, (string)e.Value!)).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        if (_loop is not null)
        {
            // What is queued is written (a few round trips), unless Redis does not answer.
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Write(Change change)
    {
        if (_changes.Writer.TryWrite(change))
        {
            lock (_gate)
            {
                _loop ??= Task.Run(RunAsync);
            }
        }
    }

    private async Task RunAsync()
    {
        var reader = _changes.Reader;
        var batch = new List<Change>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var change))
                {
                    batch.Add(change);
                }

                try
                {
                    await WriteAsync(batch).ConfigureAwait(false);
                    _failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    // Not retried: the events are in memory and are sent anyway; only their copy for a crash is missing,
                    // or a copy of a finished one stays (sent again, as a repeat, if this node is ever swept).
                    if (!_failing)
                    {
                        _failing = true;
                        Log.WriteFailed(logger, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Consecutive adds go in one HSET and consecutive removes in one HDEL, in order, on one connection.</summary>
    private async Task WriteAsync(List<Change> batch)
    {
        var database = await redis.GetDatabaseAsync().ConfigureAwait(false);
        var writes = new List<Task>();
        var start = 0;
        for (var i = 1; i <= batch.Count; i++)
        {
            if (i < batch.Count && (batch[i].Add is null) == (batch[start].Add is null))
            {
                continue;
            }

            var run = batch.GetRange(start, i - start);
            writes.Add(batch[start].Add is null
                ? database.HashDeleteAsync(_key, run.Select(c => c.Remove).ToArray())
                : database.HashSetAsync(_key, run.Select(c => c.Add!.Value).ToArray()));
            start = i;
        }

        await Task.WhenAll(writes).ConfigureAwait(false);
    }

    private readonly record struct Change(HashEntry? Add, RedisValue Remove);

    private static partial class Log
    {
        [LoggerMessage(189, LogLevel.Warning, "Writing this node's webhook outbox to Redis failed; queued events are still sent, but would not outlive a crash.")]
        public static partial void WriteFailed(ILogger logger, Exception exception);
    }
}
