using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Diagnostics;
using SignalRChannels.Query;

namespace SignalRChannels.Dashboard;

/// <summary>
/// Publishes this node's <see cref="DashboardSample"/> to the dashboard channel every <see cref="Interval"/>, only
/// once <c>MapChannelsDashboard</c> was called and only while the channel has a subscriber somewhere in the cluster.
/// Each node samples itself (its publish and delivery counters and heartbeat round trips never leave it otherwise);
/// the first live node by id adds the cluster-wide view, so the query API is read once per interval, not once per node.
/// </summary>
internal sealed partial class DashboardSampler(
    IChannelsQuery query,
    IChannelBroadcaster broadcaster,
    NodeOccupancy occupancy,
    NodeActivity activity,
    TrafficTotals traffic,
    IOptions<PresenceOptions> presenceOptions,
    TimeProvider timeProvider,
    ILogger<DashboardSampler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Channels listed by name in a sample (the busiest; presence channels with their user counts).</summary>
    public const int TopChannels = 10;

    private readonly TaskCompletionSource _mapped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts sampling; called by <c>MapChannelsDashboard</c>.</summary>
    public void Enable() => _mapped.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _mapped.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(Interval, timeProvider);
            Counters? previous = null;
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    previous = await SampleAsync(previous, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Redis away, a payload refused: the next tick tries again; rates restart from there.
                    Log.SampleFailed(logger, ex);
                    previous = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One tick: publishes a sample when someone watches; returns the counters rates are measured from next time.</summary>
    internal async Task<Counters?> SampleAsync(Counters? previous, CancellationToken cancellationToken)
    {
        var roundTrips = activity.TakeRoundTrips();
        var watchers = occupancy.SubscriptionsOf(DashboardChannel.Channel) > 0
            ? -1
            : (await query.GetChannelAsync(DashboardChannel.Channel, cancellationToken).ConfigureAwait(false)).SubscriptionCount;
        if (watchers == 0)
        {
            return null;
        }

        var now = new Counters(timeProvider.GetTimestamp(), activity.Published, traffic.Sum().MessagesSent);
        var seconds = previous is { } p ? timeProvider.GetElapsedTime(p.Timestamp, now.Timestamp).TotalSeconds : 0;
        var nodes = await query.GetNodesAsync(cancellationToken).ConfigureAwait(false);
        var self = presenceOptions.Value.NodeId;
        var cluster = nodes.Count > 0 && string.Equals(nodes[0].NodeId, self, StringComparison.Ordinal)
            ? await ReadClusterAsync(nodes, cancellationToken).ConfigureAwait(false)
            : null;
        var sample = new DashboardSample(
            Node: self,
            At: timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            Connections: occupancy.Connections,
            Published: now.Published,
            MessagesSent: now.MessagesSent,
            PublishRate: seconds > 0 ? Math.Round((now.Published - previous!.Value.Published) / seconds, 2) : null,
            DeliveryRate: seconds > 0 ? Math.Round((now.MessagesSent - previous!.Value.MessagesSent) / seconds, 2) : null,
            RttAverageMs: roundTrips is { } r ? Math.Round(r.AverageMs, 2) : null,
            RttMaxMs: roundTrips?.MaxMs,
            RttReports: roundTrips?.Count ?? 0,
            Cluster: cluster);
        await broadcaster.PublishAsync(DashboardChannel.Name, DashboardChannel.SampleEvent, sample, cancellationToken: cancellationToken).ConfigureAwait(false);
        return now;
    }

    private async Task<DashboardCluster> ReadClusterAsync(IReadOnlyList<ChannelsNodeInfo> nodes, CancellationToken cancellationToken)
    {
        var occupied = await query.GetOccupiedChannelsAsync(prefix: null, cancellationToken).ConfigureAwait(false);
        long watchers = 0;
        int publicChannels = 0, privateChannels = 0, presenceChannels = 0;
        long subscriptions = 0;
        var channels = new List<ChannelOccupancy>(occupied.Count);
        foreach (var channel in occupied)
        {
            if (string.Equals(channel.Channel, DashboardChannel.Name, StringComparison.Ordinal))
            {
                watchers = channel.SubscriptionCount;
                continue;
            }

            channels.Add(channel);
            subscriptions += channel.SubscriptionCount;
            if (channel.Channel.StartsWith(ChannelName.PresencePrefix, StringComparison.Ordinal))
            {
                presenceChannels++;
            }
            else if (channel.Channel.StartsWith(ChannelName.PrivatePrefix, StringComparison.Ordinal))
            {
                privateChannels++;
            }
            else
            {
                publicChannels++;
            }
        }

        var busiest = channels
            .OrderByDescending(c => c.SubscriptionCount)
            .ThenBy(c => c.Channel, StringComparer.Ordinal)
            .ToArray();
        var topPresence = new List<DashboardChannelFigures>(TopChannels);
        foreach (var channel in busiest.Where(c => c.Channel.StartsWith(ChannelName.PresencePrefix, StringComparison.Ordinal)).Take(TopChannels))
        {
            var users = (await query.GetChannelAsync(ChannelName.Parse(channel.Channel), cancellationToken).ConfigureAwait(false)).UserCount;
            topPresence.Add(new DashboardChannelFigures(channel.Channel, channel.SubscriptionCount, users));
        }

        return new DashboardCluster(
            Nodes: nodes.Select(n => new DashboardNode(n.NodeId, n.Connections, n.LeaseRenewedAt.ToUnixTimeMilliseconds())).ToArray(),
            Watchers: watchers,
            OccupiedChannels: channels.Count,
            PublicChannels: publicChannels,
            PrivateChannels: privateChannels,
            PresenceChannels: presenceChannels,
            Subscriptions: subscriptions,
            TopChannels: busiest.Take(TopChannels).Select(c => new DashboardChannelFigures(c.Channel, c.SubscriptionCount, null)).ToArray(),
            TopPresence: topPresence);
    }

    /// <summary>The node's counters at one tick.</summary>
    internal readonly record struct Counters(long Timestamp, long Published, long MessagesSent);

    private static partial class Log
    {
        [LoggerMessage(95, LogLevel.Warning, "The dashboard sample of this node could not be taken or published; the next interval tries again.")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
