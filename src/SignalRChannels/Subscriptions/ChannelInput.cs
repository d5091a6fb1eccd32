using Microsoft.Extensions.Options;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// Checks what a client sent before anything acts on it: channel names, recovery positions, event filters and
/// history limits. Every violation is a coded <see cref="ChannelException"/>.
/// </summary>
internal sealed class ChannelInput(IOptions<ChannelsOptions> options)
{
    private readonly ChannelsOptions _options = options.Value;

    public ChannelName ParseChannel(string? channel) =>
        ChannelName.TryParse(channel, _options.MaxChannelNameLength, out var name, out var error)
            ? name
            : throw new ChannelException(ChannelErrorCodes.InvalidChannel, error);

    public static void ValidateSince(StreamPosition? since)
    {
        if (since is null)
        {
            return;
        }

        if (since.Offset < 0)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "since.offset must not be negative");
        }

        if (since.Epoch is { Length: > 64 })
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "since.epoch is longer than 64 characters");
        }
    }

    /// <summary>The subscription's event filter, or null for all events.</summary>
    public EventFilter? ParseEventFilter(string?[]? events)
    {
        if (events is null)
        {
            return null;
        }

        if (events.Length == 0 || events.Length > _options.MaxEventFilterNames)
        {
            throw new ChannelException(
                ChannelErrorCodes.InvalidArgument,
                $"events must list 1 to {_options.MaxEventFilterNames} event names, or be null for all events");
        }

        foreach (var name in events)
        {
            if (!EventNames.IsWellFormed(name, _options.MaxEventNameLength, out var error))
            {
                throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"events: {error}");
            }
        }

        return EventFilter.Create(events!);
    }

    public int ValidateHistoryLimit(int? limit)
    {
        var value = limit ?? _options.MaxHistoryLimit;
        return value < 1 || value > _options.MaxHistoryLimit
            ? throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"limit must be 1 to {_options.MaxHistoryLimit}")
            : value;
    }

    public void ValidateSubscriptionCount(int count)
    {
        if (count > _options.MaxSubscriptionsPerConnection)
        {
            throw LimitExceeded();
        }
    }

    public ChannelException LimitExceeded() => new(
        ChannelErrorCodes.LimitExceeded,
        $"a connection may subscribe to at most {_options.MaxSubscriptionsPerConnection} channels");

    public int MaxSubscriptionsPerConnection => _options.MaxSubscriptionsPerConnection;
}
