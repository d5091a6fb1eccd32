namespace SignalRChannels.Pipeline;

/// <summary>History publishes that the store also hands to the backplane (<see cref="IAppendAndPublish"/>).</summary>
internal sealed partial class PublishPipeline
{
    /// <summary>
    /// Whether a group of appends can be stored and published in one store call: the store supports it and checked the
    /// backplane's format, and the channel has no filtered subscribers (whose groups get copies with their own previous
    /// offset, which only this node's pipeline computes).
    /// </summary>
    private bool CanAppendAndPublish(ChannelName channel, List<PendingAppend> group)
    {
        if (eventStore is not IAppendAndPublish { CanPublish: true } || !filterInterest.FiltersOf(channel).IsEmpty)
        {
            return false;
        }

        foreach (var pending in group)
        {
            if (pending.ReportedNames is not null)
            {
                return false;
            }
        }

        return true;
    }

    private async Task AppendAndPublishAsync(ChannelName channel, HistoryPolicy policy, List<PendingAppend> group)
    {
        IReadOnlyList<ChannelEvent> events;
        IReadOnlyList<string?> excluded;
        if (group is [var only])
        {
            (events, excluded) = (only.Events, only.ExcludedConnectionIds);
        }
        else
        {
            events = [.. group.SelectMany(p => p.Events)];
            excluded = [.. group.SelectMany(p => p.ExcludedConnectionIds)];
        }

        var (stored, published) = await ((IAppendAndPublish)eventStore)
            .AppendAndPublishAsync(channel, events, excluded, policy, CancellationToken.None).ConfigureAwait(false);
        var next = 0;
        foreach (var pending in group)
        {
            var results = new Appended[pending.Events.Count];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = new Appended(stored[next++], null, null, published);
            }

            pending.Stored.TrySetResult(results);
        }
    }
}
