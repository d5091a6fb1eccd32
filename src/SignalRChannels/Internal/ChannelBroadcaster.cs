using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SignalRChannels.Pipeline;

namespace SignalRChannels.Internal;

internal sealed class ChannelBroadcaster(
    PublishPipeline pipeline,
    IOptions<ChannelsOptions> options,
    IOptions<JsonHubProtocolOptions> jsonOptions) : IChannelBroadcaster
{
    private readonly ChannelsOptions _options = options.Value;

    public Task PublishAsync(string channel, string eventName, object? data, string? toOthers = null, CancellationToken cancellationToken = default)
    {
        var name = ParseChannel(channel);
        ValidateEventName(eventName);
        var payload = EventPayload.FromServer(data, jsonOptions.Value.PayloadSerializerOptions, _options.MaxPayloadBytes);
        return PublishAsync(name, eventName, payload, toOthers, cancellationToken);
    }

    /// <summary>Checks every channel and the name, serializes the payload once, then publishes to each channel in turn.</summary>
    public async Task PublishAsync(IBroadcastEvent broadcastEvent, string? toOthers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broadcastEvent);
        var channels = broadcastEvent.BroadcastOn()?.Distinct(StringComparer.Ordinal).Select(ParseChannel).ToArray() ?? [];
        if (channels.Length == 0)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"{broadcastEvent.GetType().Name}.BroadcastOn() names no channel");
        }

        var eventName = broadcastEvent.BroadcastAs();
        ValidateEventName(eventName);
        var payload = EventPayload.FromServer(broadcastEvent.BroadcastWith(), jsonOptions.Value.PayloadSerializerOptions, _options.MaxPayloadBytes);
        foreach (var channel in channels)
        {
            await PublishAsync(channel, eventName, payload, toOthers, cancellationToken).ConfigureAwait(false);
        }
    }

    private ChannelName ParseChannel(string? channel) =>
        ChannelName.TryParse(channel, _options.MaxChannelNameLength, out var name, out var error)
            ? name
            : throw new ChannelException(ChannelErrorCodes.InvalidChannel, error);

    private void ValidateEventName(string? eventName)
    {
        if (!EventNames.IsValidAppEvent(eventName, _options.MaxEventNameLength, out var error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, error!);
        }
    }

    /// <summary>A publish the store or the backplane refused is a coded <c>unavailable</c>, never a raw driver exception.</summary>
    private async Task PublishAsync(ChannelName name, string eventName, EventData payload, string? toOthers, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.PublishAsync(name, eventName, payload, from: null, toOthers, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ChannelException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new ChannelException(ChannelErrorCodes.Unavailable, $"'{name.Value}': the event was not accepted (the store or the backplane is unavailable); on a history channel it may still have been stored, and subscribers then get it from history");
        }
    }

    public ChannelTarget Channel(string channel) => new(this, channel, excludedConnectionId: null);
}
