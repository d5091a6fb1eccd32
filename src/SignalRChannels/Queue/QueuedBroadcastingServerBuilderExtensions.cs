using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SignalRChannels;
using SignalRChannels.Queue.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds queued broadcasting (<see cref="IChannelQueue"/>) to channels.</summary>
public static class QueuedBroadcastingServerBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IChannelQueue"/> and the background worker that publishes queued events. The queue is in memory
    /// (single node, as durable as the process) unless <c>AddRedis()</c> is used too, in either order: then it lives
    /// in Redis Streams, shared by every node.
    /// </summary>
    /// <param name="builder">The channels builder.</param>
    /// <param name="configure">Changes the options; null keeps the defaults.</param>
    /// <returns>The same builder.</returns>
    public static IChannelsServerBuilder AddQueuedBroadcasting(this IChannelsServerBuilder builder, Action<QueuedBroadcastingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var firstCall = !services.Any(d => d.ServiceType == typeof(IChannelQueue));
        var optionsBuilder = services.AddOptions<QueuedBroadcastingOptions>().ValidateOnStart();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueuedBroadcastingOptions>, QueuedBroadcastingOptionsValidator>());
        services.TryAddSingleton<IChannelQueueStore, InMemoryChannelQueueStore>();
        services.TryAddSingleton<QueueMetrics>();
        services.TryAddSingleton<QueueDispatcher>();
        services.TryAddSingleton<IChannelQueue, ChannelQueue>();
        if (firstCall)
        {
            services.AddHostedService<ChannelQueueWorker>();
        }

        return builder;
    }
}
