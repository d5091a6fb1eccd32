using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using SignalRChannels;
using SignalRChannels.Draining;
using SignalRChannels.Limits;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds graceful draining to channels.</summary>
public static class GracefulDrainServerBuilderExtensions
{
    /// <summary>
    /// Drains this node when it shuts down (SIGTERM, <see cref="IHostApplicationLifetime.StopApplication"/>): new
    /// connections to channel hubs are refused with HTTP 503 (<c>unavailable:</c>) so a load balancer sends them
    /// elsewhere; the open ones are closed at once and the clients reconnect through the load balancer and recover
    /// missed history; presence is handed over: the closed connections' members stay listed until this node's presence
    /// lease runs out (<see cref="PresenceOptions.MemberTimeout"/>), so users who reconnect to another node by then
    /// see no <c>member:left</c>/<c>member:joined</c>, and the others leave once, reason <c>timeout</c>. The node exits
    /// within <see cref="HostOptions.ShutdownTimeout"/>. Call it after <c>AddRedis()</c> (checked at start).
    /// </summary>
    /// <param name="builder">The channels builder.</param>
    /// <returns>The same builder.</returns>
    public static IChannelsServerBuilder AddGracefulDrain(this IChannelsServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(GracefulDrainMarker)))
        {
            return builder;
        }

        services.AddSingleton<GracefulDrainMarker>();
        services.AddOptions<ConnectionLimitOptions>();
        ConnectionLimitServerBuilderExtensions.AddAdmission(services);

        var store = services.LastOrDefault(d => d.ServiceType == typeof(IPresenceStore))
            ?? throw new InvalidOperationException("Call AddChannels() before AddGracefulDrain().");
        services.Remove(store);
        services.AddSingleton<IPresenceStore>(provider => new DrainingPresenceStore(
            (IPresenceStore)(store.ImplementationInstance
                ?? store.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, store.ImplementationType!)),
            provider.GetRequiredService<IHostApplicationLifetime>()));
        services.AddHostedService<GracefulDrainStartupCheck>();
        services.AddSingleton<DrainingConnections>();
        services.AddHostedService(provider => provider.GetRequiredService<DrainingConnections>());
        services.Configure<HubOptions>(options => options.AddFilter<DrainingConnections>());
        return builder;
    }

    private sealed class GracefulDrainMarker;

    /// <summary>Fails the start when a later registration (AddRedis after AddGracefulDrain) replaced the presence store.</summary>
    private sealed class GracefulDrainStartupCheck(IPresenceStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store is DrainingPresenceStore
            ? Task.CompletedTask
            : throw new InvalidOperationException("AddGracefulDrain() must come after AddRedis(): the presence store it hands over was replaced.");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
