namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the <c>ChannelsClient</c> registered by <c>AddChannelsClient</c>.</summary>
public interface IChannelsClientBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
