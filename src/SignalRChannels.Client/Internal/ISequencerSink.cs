namespace SignalRChannels.Client.Internal;

/// <summary>What an <see cref="EventSequencer"/> needs from its subscription.</summary>
internal interface ISequencerSink
{
    /// <summary>Hands one event to the app, in order. Called under the sequencer's lock: must not block.</summary>
    void Deliver(ChannelEvent @event);

    /// <summary>Reports events lost for good. Called under the sequencer's lock: must not block.</summary>
    void Gap(GapDetectedEventArgs gap);

    /// <summary>False while the connection is down: the resubscription will recover instead.</summary>
    bool CanFetch { get; }

    /// <summary><c>GetHistory(channel, { since, limit, reverse: null })</c>.</summary>
    Task<HistoryResult?> FetchHistoryAsync(StreamPosition since, int limit, CancellationToken cancellationToken);
}
