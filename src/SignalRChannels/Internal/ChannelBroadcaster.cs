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
        if (!ChannelName.TryParse(channel, _options.MaxChannelNameLength, out var name, out var error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidChannel, error);
        }

        if (!EventNames.IsValidAppEvent(eventName, _options.MaxEventNameLength, out error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, error!);
        }

        var payload = EventPayload.FromServer(data, jsonOptions.Value.PayloadSerializerOptions, _options.MaxPayloadBytes);
        return PublishAsync(name, eventName, payload, toOthers, cancellationToken);
    }

    /// <summary>A publish the store or the backplane refused is a coded <c>unavailable</c>, never a raw driver exception.</summary>
    private async Task PublishAsync(ChannelName name, string eventName, System.Text.Json.JsonElement payload, string? toOthers, CancellationToken cancellationToken)
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
