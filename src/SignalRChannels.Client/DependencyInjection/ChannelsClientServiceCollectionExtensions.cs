using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Client;
using SignalRChannels.Client.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SignalRChannels .NET client.</summary>
public static class ChannelsClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="ChannelsClient"/> built from <see cref="ChannelsClientOptions"/> (validated when
    /// the host starts). The client is not started: call <see cref="StartOnHost"/>, or <see cref="ChannelsClient.StartAsync"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (<see cref="ChannelsClientOptions.Url"/> at least).</param>
    /// <returns>A builder for further configuration.</returns>
    public static IChannelsClientBuilder AddChannelsClient(this IServiceCollection services, Action<ChannelsClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ChannelsClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChannelsClientOptions>, ChannelsClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ChannelsClient(
            sp.GetRequiredService<IOptions<ChannelsClientOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        return new Builder(services);
    }

    /// <summary>
    /// Starts the client when the host starts, in the background: the host does not wait for the hub, and the first
    /// connection is retried with <see cref="ChannelsClientOptions.Reconnect"/>. The client stops with the host.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IChannelsClientBuilder StartOnHost(this IChannelsClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ChannelsClientHostedService>());
        return builder;
    }

    private sealed class Builder(IServiceCollection services) : IChannelsClientBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
