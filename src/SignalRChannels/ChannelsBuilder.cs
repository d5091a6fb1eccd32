using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels;

/// <summary>
/// Configures channels inside <c>AddChannels(channels =&gt; ...)</c>: options now, and authorization
/// routes, presence and history settings as they are registered.
/// </summary>
public sealed class ChannelsBuilder
{
    internal ChannelsBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures <see cref="ChannelsOptions"/>.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public ChannelsBuilder Configure(Action<ChannelsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
