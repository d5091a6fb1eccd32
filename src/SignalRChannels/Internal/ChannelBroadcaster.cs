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
        return pipeline.PublishAsync(name, eventName, payload, from: null, toOthers, cancellationToken);
    }

    public ChannelTarget Channel(string channel) => new(this, channel, excludedConnectionId: null);
}
