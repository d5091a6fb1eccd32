using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// Acknowledges (XACK + XDEL) queue entries in batches: while one batch is on its way to Redis, later acknowledgements
/// gather and leave together, one script call per partition. Each caller's task completes when its entry is removed,
/// or fails with the batch (the dispatcher retries it).
/// </summary>
internal sealed class RedisQueueAcknowledgements(RedisConnection redis, string prefix)
{
    private readonly Lock _gate = new();
    private List<(int Partition, string Id, TaskCompletionSource Done)> _pending = [];
    private bool _flushing;

    public Task AcknowledgeAsync(int partition, string id)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending.Add((partition, id, done));
            if (_flushing)
            {
                return done.Task;
            }

            _flushing = true;
        }

        _ = FlushAsync();
        return done.Task;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<(int Partition, string Id, TaskCompletionSource Done)> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                batch = _pending;
                _pending = [];
            }

            try
            {
                var database = await redis.GetDatabaseAsync().ConfigureAwait(false);
                await Task.WhenAll(batch.GroupBy(a => a.Partition).Select(p => RedisQueueScripts.Acknowledge.EvaluateAsync(
                    database,
                    [RedisKeys.QueuePartition(prefix, p.Key)],
                    [RedisKeys.QueueGroup, .. p.Select(a => (RedisValue)a.Id)]))).ConfigureAwait(false);
                batch.ForEach(a => a.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(a => a.Done.TrySetException(ex));
            }
        }
    }
}
