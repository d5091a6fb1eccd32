namespace SignalRChannels.Webhooks.Internal;

/// <summary>
/// Where a node keeps a copy of the webhook events it has queued and not yet finished with, so that they outlive it: with
/// Redis, a hash per node that the node which sweeps it after a crash (or a stop) takes over. Calls are made in the
/// order of the changes, must not block, and never throw; a copy that could not be written only weakens the crash case.
/// </summary>
internal interface IWebhookOutbox
{
    /// <summary>An event was queued for <paramref name="endpointId"/>.</summary>
    void Added(string endpointId, WebhookEvent webhookEvent);

    /// <summary>Events of <paramref name="endpointId"/> are done with (delivered, refused, failed after the retries, or dropped).</summary>
    void Removed(string endpointId, IEnumerable<string> eventIds);

    /// <summary>
    /// What this node's outbox holds from an earlier life (a restart with the same node id), as <see cref="Field"/>
    /// names and <see cref="WebhookEvent.ToJson"/> values.
    /// </summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> LoadAsync(CancellationToken cancellationToken);

    /// <summary>The hash field of an event: <c>{endpointId}|{eventId}</c>.</summary>
    static string Field(string endpointId, string eventId) => endpointId + "|" + eventId;
}
