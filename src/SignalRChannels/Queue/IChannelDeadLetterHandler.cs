namespace SignalRChannels;

/// <summary>
/// Told about every event the queue dead-letters on this node, after the store has recorded it: alert, log to an
/// incident system, or replay it later through <see cref="IChannelQueue.ReplayDeadLetterAsync"/>. Register any number
/// with <c>services.AddSingleton&lt;IChannelDeadLetterHandler, MyHandler&gt;()</c>; one that throws is logged and
/// does not affect the others or the queue.
/// </summary>
public interface IChannelDeadLetterHandler
{
    /// <summary>Called once per dead-lettered event.</summary>
    /// <param name="deadLetter">The dead letter, as stored.</param>
    /// <param name="cancellationToken">Cancelled when the node stops.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    ValueTask OnDeadLetteredAsync(DeadLetteredEvent deadLetter, CancellationToken cancellationToken);
}
