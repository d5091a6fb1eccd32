using Microsoft.Extensions.Options;
using SignalRChannels.Internal;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Pipeline;

/// <summary>
/// <c>Whisper</c>: client events on private and presence channels, from subscribers only, rate- and size-limited,
/// stamped with the sender's member or user id and never echoed to the sender.
/// </summary>
internal sealed class WhisperRelay(
    ConnectionRegistry connections,
    ChannelInput input,
    ChannelRegistry registry,
    PublishPipeline pipeline,
    IOptions<ChannelsOptions> options,
    Webhooks.Internal.WebhookQueue? webhooks = null)
{
    private readonly ChannelsOptions _options = options.Value;

    public Task WhisperAsync(ChannelCaller caller, string? channel, string? eventName, object? data)
    {
        var connection = connections.Get(caller.ConnectionId);
        var name = input.ParseChannel(channel);
        if (name.Kind == ChannelKind.Public)
        {
            throw new ChannelException(ChannelErrorCodes.WhisperDisabled, "client events are only allowed on private and presence channels");
        }

        if (!connection.TryGet(name, out var member))
        {
            throw new ChannelException(ChannelErrorCodes.NotSubscribed, $"subscribe to '{name.Value}' before whispering on it");
        }

        if (!EventNames.IsWellFormed(eventName, _options.MaxEventNameLength - EventNames.ClientPrefix.Length, out var error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, error!);
        }

        if (!registry.WhispersEnabled(name))
        {
            throw new ChannelException(ChannelErrorCodes.WhisperDisabled, $"client events are disabled on '{name.Value}'");
        }

        using (var lease = connection.AcquireWhisperPermit())
        {
            if (!lease.IsAcquired)
            {
                throw new ChannelException(
                    ChannelErrorCodes.RateLimited,
                    $"at most {_options.WhisperPermitLimit} client events per {_options.WhisperWindow.TotalSeconds:0.###} s");
            }
        }

        var payload = EventPayload.FromClient(data, _options.MaxWhisperPayloadBytes, _options.MaxPayloadDepth);
        // Never the connection id: it is what X-Socket-ID names, so showing it would let others exclude this connection.
        var from = member?.Id ?? caller.UserId ?? connection.Alias;
        var published = pipeline.PublishAsync(name, EventNames.ClientPrefix + eventName, payload, from, caller.ConnectionId, CancellationToken.None, persist: false);
        return webhooks is { Enabled: true } ? ReportAsync(published, webhooks, name, EventNames.ClientPrefix + eventName, payload, caller.ConnectionId, member?.Id) : published;
    }

    /// <summary><c>client_event</c> webhook, once the whisper was published (a middleware may refuse it).</summary>
    private static async Task ReportAsync(Task published, Webhooks.Internal.WebhookQueue webhooks, ChannelName channel, string eventName, System.Text.Json.JsonElement data, string socketId, string? userId)
    {
        await published.ConfigureAwait(false);
        webhooks.ClientEvent(channel, eventName, data, socketId, userId);
    }
}
