using Microsoft.AspNetCore.SignalR;
using SignalRChannels.Internal;

namespace SignalRChannels.Pipeline;

/// <summary>
/// The sends of a publish: to the channel's group and to the group of each event filter the event passes. Without a
/// backplane a channel's sends go through its line (<see cref="ChannelSendLines"/>), which batches them under load.
/// </summary>
internal sealed partial class PublishPipeline
{
    private Task FanOutAsync(ChannelName channel, Appended appended, string? excludedConnectionId, CancellationToken cancellationToken)
    {
        var envelope = appended.Event;
        if (envelope.Offset is not { } offset)
        {
            return FanOutAsync(channel, envelope.Event, envelope, excludedConnectionId, cancellationToken);
        }

        // Each filter's subscribers get their own previous offset (prevOffset), so their own copy.
        var send = SendAsync(channel, new SendTarget(ChannelGroups.For(channel), excludedConnectionId), envelope, cancellationToken);
        List<Task>? sends = null;
        foreach (var (filter, _) in filterInterest.FiltersOf(channel))
        {
            if (filter.Passes(envelope.Event))
            {
                var copy = envelope.WithPrevOffset(appended.PreviousFor(filter, offset));
                (sends ??= [send]).Add(SendAsync(channel, new SendTarget(ChannelGroups.For(channel, filter), excludedConnectionId), copy, cancellationToken));
            }
        }

        return sends is null ? send : Task.WhenAll(sends);
    }

    /// <summary>Sends an envelope without an offset, the same to the channel's group and to each passing filter's.</summary>
    private Task FanOutAsync(ChannelName channel, string eventName, object envelope, string? excludedConnectionId, CancellationToken cancellationToken)
    {
        var filters = filterInterest.FiltersOf(channel);
        if (filters.IsEmpty)
        {
            return SendAsync(channel, new SendTarget(ChannelGroups.For(channel), excludedConnectionId), envelope, cancellationToken);
        }

        if (excludedConnectionId is null)
        {
            // One send to all the groups, which SignalR serializes once.
            var groups = new List<string>(filters.Length + 1) { ChannelGroups.For(channel) };
            foreach (var (filter, _) in filters)
            {
                if (filter.Passes(eventName))
                {
                    groups.Add(ChannelGroups.For(channel, filter));
                }
            }

            return SendAsync(channel, SendTarget.ToGroups(groups), envelope, cancellationToken);
        }

        // SignalR has no send to several groups but one connection: one send per group (a connection is in one of them).
        var send = SendAsync(channel, new SendTarget(ChannelGroups.For(channel), excludedConnectionId), envelope, cancellationToken);
        List<Task>? sends = null;
        foreach (var (filter, _) in filters)
        {
            if (filter.Passes(eventName))
            {
                (sends ??= [send]).Add(SendAsync(channel, new SendTarget(ChannelGroups.For(channel, filter), excludedConnectionId), envelope, cancellationToken));
            }
        }

        return sends is null ? send : Task.WhenAll(sends);
    }

    private Task SendAsync(ChannelName channel, SendTarget target, object envelope, CancellationToken cancellationToken) =>
        hubs.SendsAreInProcess
            ? lines.SendAsync(channel, target, envelope)
            : target.Of(hubs.Clients).SendAsync(ChannelEvent.ClientMethodName, envelope, cancellationToken);
}
