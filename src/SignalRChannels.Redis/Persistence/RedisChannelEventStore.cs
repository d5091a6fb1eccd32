using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SignalRChannels.Pipeline;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// History on Redis Streams, shared by every node: one Lua script per call (<see cref="RedisHistoryScripts"/>)
/// assigns offsets, trims, expires and reads atomically. Each channel has four keys (<see cref="RedisKeys.History"/>):
/// the stream, whose entry IDs are the offsets, the newest offset, the epoch, and the newest offset of each event name
/// (which gives filtered subscriptions their <c>prevOffset</c>). All four expire together, and when they are gone (TTL,
/// flush, restart without persistence) the next call creates a new epoch. A fifth
/// (<see cref="RedisKeys.HistoryIds"/>) makes the append of an event with an id idempotent. Once
/// <see cref="BackplaneFormatProbe"/> has checked SignalR's backplane format, appends also publish their events to the
/// backplane in the same script (<see cref="IAppendAndPublish"/>).
/// </summary>
internal sealed class RedisChannelEventStore(RedisConnection redis, IOptions<ChannelsRedisOptions> options) : IChannelEventStore, IAppendAndPublish
{
    public RedisChannelEventStore(IConnectionMultiplexer redis, IOptions<ChannelsRedisOptions> options)
        : this(new RedisConnection(redis), options)
    {
    }

    private static readonly long s_emptyStreamTtlMs = (long)StreamEpoch.EmptyStreamTtl.TotalMilliseconds;

    private readonly string _prefix = options.Value.Prefix;

    private readonly TaskCompletionSource<bool> _backplaneChecked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The backplane's message templates, once checked on this node; null while appends do not publish.</summary>
    internal BackplaneMessages? Backplane { get; private set; }

    /// <summary>Completes once this node's backplane check is over: true when appends publish.</summary>
    internal Task<bool> BackplaneChecked => _backplaneChecked.Task;

    /// <summary>The outcome of the backplane check: the templates to publish with, or null for two-step publishes.</summary>
    internal void SetBackplane(BackplaneMessages? backplane)
    {
        Backplane = backplane;
        _backplaneChecked.TrySetResult(backplane is not null);
    }

    public bool CanPublish => Backplane is not null;

    public async ValueTask<(IReadOnlyList<ChannelEvent> Events, bool Published)> AppendAndPublishAsync(
        ChannelName channel, IReadOnlyList<ChannelEvent> events, IReadOnlyList<string?> excludedConnectionIds, HistoryPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(policy);
        cancellationToken.ThrowIfCancellationRequested();
        if (Backplane is not { } backplane || events.Count == 0)
        {
            return (await AppendManyAsync(channel, events, policy, cancellationToken).ConfigureAwait(false), false);
        }

        var arguments = new List<RedisValue>(5 + (events.Count * (3 + backplane.ArgumentsPerEvent)))
        {
            policy.Size,
            (long)Math.Ceiling(policy.Ttl.TotalMilliseconds),
            ChannelEventIds.Remembered,
            backplane.GroupChannel(channel),
            backplane.Kinds,
        };
        for (var i = 0; i < events.Count; i++)
        {
            var channelEvent = events[i];
            var stored = WithoutPosition(channelEvent);
            arguments.Add(JsonSerializer.SerializeToUtf8Bytes(stored));
            arguments.Add(channelEvent.Id ?? string.Empty);
            arguments.Add(channelEvent.Event);
            if (!backplane.TryAddTemplate(arguments, stored, excludedConnectionIds[i]))
            {
                // A payload that holds the placeholders itself: stored, then sent the usual way.
                return (await AppendManyAsync(channel, events, policy, cancellationToken).ConfigureAwait(false), false);
            }
        }

        var result = await EvaluateAsync(RedisHistoryScripts.AppendPublish, channel, [.. arguments]).ConfigureAwait(false);
        var epoch = (string)result[0]!;
        return ([.. events.Select((e, i) => e.WithPosition((long)result[i + 2], epoch))], (long)result[1] == 1);
    }

    public async ValueTask<ChannelEvent> AppendAsync(ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, CancellationToken cancellationToken) =>
        (await AppendAsync(channel, channelEvent, policy, [], cancellationToken).ConfigureAwait(false)).Event;

    public async ValueTask<(ChannelEvent Event, long[] PreviousOffsets)> AppendAsync(
        ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(names);
        cancellationToken.ThrowIfCancellationRequested();

        var stored = WithoutPosition(channelEvent);
        var arguments = new RedisValue[6 + names.Count];
        arguments[0] = policy.Size;
        arguments[1] = (long)Math.Ceiling(policy.Ttl.TotalMilliseconds);
        arguments[2] = JsonSerializer.SerializeToUtf8Bytes(stored);
        arguments[3] = channelEvent.Event;
        arguments[4] = channelEvent.Id ?? string.Empty;
        arguments[5] = ChannelEventIds.Remembered;
        for (var i = 0; i < names.Count; i++)
        {
            arguments[6 + i] = names[i];
        }

        var result = await EvaluateAsync(RedisHistoryScripts.Append, channel, arguments).ConfigureAwait(false);
        var previous = new long[names.Count];
        for (var i = 0; i < previous.Length; i++)
        {
            previous[i] = (long)result[2 + i];
        }

        return (channelEvent.WithPosition((long)result[1], (string)result[0]!), previous);
    }

    public async ValueTask<IReadOnlyList<ChannelEvent>> AppendManyAsync(
        ChannelName channel, IReadOnlyList<ChannelEvent> channelEvents, HistoryPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvents);
        ArgumentNullException.ThrowIfNull(policy);
        cancellationToken.ThrowIfCancellationRequested();
        if (channelEvents.Count == 0)
        {
            return [];
        }

        var arguments = new RedisValue[3 + (3 * channelEvents.Count)];
        arguments[0] = policy.Size;
        arguments[1] = (long)Math.Ceiling(policy.Ttl.TotalMilliseconds);
        arguments[2] = ChannelEventIds.Remembered;
        for (var i = 0; i < channelEvents.Count; i++)
        {
            var channelEvent = channelEvents[i];
            var stored = WithoutPosition(channelEvent);
            arguments[3 + (3 * i)] = JsonSerializer.SerializeToUtf8Bytes(stored);
            arguments[4 + (3 * i)] = channelEvent.Id ?? string.Empty;
            arguments[5 + (3 * i)] = channelEvent.Event;
        }

        var result = await EvaluateAsync(RedisHistoryScripts.AppendMany, channel, arguments).ConfigureAwait(false);
        var epoch = (string)result[0]!;
        return [.. channelEvents.Select((e, i) => e.WithPosition((long)result[i + 1], epoch))];
    }

    public async ValueTask<HistoryPage> ReadAsync(ChannelName channel, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();

        var result = await EvaluateAsync(
            RedisHistoryScripts.Read,
            channel,
            Math.Max(query.Since?.Offset ?? 0, 0),
            query.Since?.Epoch ?? string.Empty,
            query.Limit,
            query.Reverse ? 1 : 0).ConfigureAwait(false);
        var position = PositionOf(result);
        return new HistoryPage { Position = position, Events = EventsOf(result, 2, position.Epoch!) };
    }

    public async ValueTask<RecoveryResult> RecoverAsync(ChannelName channel, StreamPosition since, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        ArgumentOutOfRangeException.ThrowIfNegative(maxEvents);
        cancellationToken.ThrowIfCancellationRequested();

        var result = await EvaluateAsync(
            RedisHistoryScripts.Recover,
            channel,
            since.Offset,
            since.Epoch ?? string.Empty,
            maxEvents).ConfigureAwait(false);
        var position = PositionOf(result);
        return new RecoveryResult
        {
            Position = position,
            Recovered = (long)result[2] == 1,
            Events = EventsOf(result, 3, position.Epoch!),
        };
    }

    public async ValueTask<StreamPosition> GetPositionAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return PositionOf(await EvaluateAsync(RedisHistoryScripts.Position, channel).ConfigureAwait(false));
    }

    private async Task<RedisResult[]> EvaluateAsync(RedisScript script, ChannelName channel, params RedisValue[] arguments)
    {
        // Every script takes a candidate epoch and the empty-stream TTL first (see the scripts' prelude).
        var values = new RedisValue[arguments.Length + 2];
        values[0] = StreamEpoch.New();
        values[1] = s_emptyStreamTtlMs;
        arguments.CopyTo(values, 2);
        var database = await redis.GetDatabaseAsync().ConfigureAwait(false);
        RedisKey[] keys = [.. RedisKeys.History(_prefix, channel), RedisKeys.HistoryIds(_prefix, channel)];
        var result = await script.EvaluateAsync(database, keys, values).ConfigureAwait(false);
        return (RedisResult[])result!;
    }

    /// <summary>The event as stored: its position lives in the entry ID and the epoch key, not in the stored JSON.</summary>
    private static ChannelEvent WithoutPosition(ChannelEvent channelEvent) =>
        channelEvent.Offset is null && channelEvent.Epoch is null ? channelEvent : channelEvent.WithPosition(null, null);

    private static StreamPosition PositionOf(RedisResult[] result) => new() { Offset = (long)result[1], Epoch = (string)result[0]! };

    private static ChannelEvent[] EventsOf(RedisResult[] result, int start, string epoch)
    {
        var events = new ChannelEvent[(result.Length - start) / 2];
        for (var i = 0; i < events.Length; i++)
        {
            var id = (string)result[start + (2 * i)]!;
            var offset = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            var stored = JsonSerializer.Deserialize<ChannelEvent>((byte[])result[start + (2 * i) + 1]!)
                ?? throw new InvalidDataException($"History entry {id} holds no event.");
            events[i] = stored.WithPosition(offset, epoch);
        }

        return events;
    }
}
