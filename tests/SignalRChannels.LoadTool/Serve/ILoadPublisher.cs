using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>How a server under test publishes one event to one channel, the way an app on it would.</summary>
internal interface ILoadPublisher
{
    Task PublishAsync(string channel, LoadData data);
}

/// <summary>
/// Channels: <see cref="IChannelBroadcaster.PublishAsync"/>, the whole publish pipeline; on
/// <see cref="LoadWire.QueuedChannelPrefix"/> channels <see cref="IChannelQueue.EnqueueAsync"/> instead.
/// </summary>
internal sealed class ChannelsPublisher(IChannelBroadcaster broadcaster, IChannelQueue queue) : ILoadPublisher
{
    public Task PublishAsync(string channel, LoadData data) =>
        channel.StartsWith(LoadWire.QueuedChannelPrefix, StringComparison.Ordinal)
            ? queue.EnqueueAsync(channel, LoadWire.EventName, data)
            : broadcaster.PublishAsync(channel, LoadWire.EventName, data);
}

/// <summary>Plain SignalR: a group send of the same envelope.</summary>
internal sealed class PlainPublisher(IHubContext<PlainGroupHub> hub, TimeProvider time) : ILoadPublisher
{
    public Task PublishAsync(string channel, LoadData data) =>
        hub.Clients.Group(channel).SendAsync(
            LoadWire.ClientMethod,
            new LoadEnvelope(channel, LoadWire.EventName, data, time.GetUtcNow().ToUnixTimeMilliseconds()));
}

/// <summary>Raw WebSockets: the same bytes as the JSON hub protocol, serialized once, written to each socket.</summary>
internal sealed class RawPublisher(RawFanOut fanOut, TimeProvider time) : ILoadPublisher
{
    private readonly JsonHubProtocol _protocol = new(Options.Create(new JsonHubProtocolOptions
    {
        PayloadSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web),
    }));

    public Task PublishAsync(string channel, LoadData data)
    {
        var envelope = new LoadEnvelope(channel, LoadWire.EventName, data, time.GetUtcNow().ToUnixTimeMilliseconds());
        var frame = _protocol.GetMessageBytes(new InvocationMessage(LoadWire.ClientMethod, [envelope]));
        return fanOut.SendAsync(channel, frame);
    }
}
