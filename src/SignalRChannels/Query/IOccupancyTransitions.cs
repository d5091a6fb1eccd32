namespace SignalRChannels.Query;

/// <summary>
/// Told when a channel becomes occupied or vacated cluster-wide, by the one node whose store call decided it (webhooks'
/// <c>channel_occupied</c>/<c>channel_vacated</c>). Calls must not block: they are made under the occupancy lock or from
/// the Redis writer's loop.
/// </summary>
internal interface IOccupancyTransitions
{
    /// <summary>Whether anyone wants transitions; when not, they are not decided at all (no extra Redis work).</summary>
    bool Enabled { get; }

    void Occupied(ChannelName channel);

    void Vacated(ChannelName channel);
}
