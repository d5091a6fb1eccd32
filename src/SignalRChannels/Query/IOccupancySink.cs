namespace SignalRChannels.Query;

/// <summary>
/// Where a node's occupancy changes go besides its own memory: the Redis writer when scaled out. The in-memory default
/// has none (its queries read <see cref="NodeOccupancy"/> directly).
/// </summary>
internal interface IOccupancySink
{
    /// <summary>Called once by the <see cref="NodeOccupancy"/> it serves, so the sink can take snapshots to resynchronize.</summary>
    void Attach(NodeOccupancy owner);

    /// <summary>
    /// Queues a change. Called under the owner's lock, in the order of the changes: must not block. The task completes
    /// when the change is stored (or could not be, in which case the sink resynchronizes later); it never faults.
    /// </summary>
    Task Enqueue(OccupancyChange change);

    /// <summary>
    /// Queues a constant-cost check, made every presence heartbeat, that the stored connection count still equals
    /// <paramref name="connections"/>, the node's own count when every change queued before was made; the sink
    /// resynchronizes when it does not (a write failed, or another node swept this one's counts). Called under the
    /// owner's lock.
    /// </summary>
    Task EnqueueCheck(long connections);
}
