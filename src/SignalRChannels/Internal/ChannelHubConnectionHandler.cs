using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Internal;

/// <summary>
/// SignalR's connection handler, registered in its place for every hub: a <see cref="ChannelHub"/> gets hub
/// protocols that answer unbindable arguments with a coded error (<see cref="CodedErrorHubProtocol"/>); any other
/// hub in the app gets SignalR's own resolver, untouched.
/// </summary>
// Seven dependencies: exactly the constructor of SignalR's HubConnectionHandler<THub>, passed through.
internal sealed class ChannelHubConnectionHandler<THub>(
    HubLifetimeManager<THub> lifetimeManager,
    IHubProtocolResolver protocolResolver,
    IOptions<HubOptions> globalHubOptions,
    IOptions<HubOptions<THub>> hubOptions,
    ILoggerFactory loggerFactory,
    IUserIdProvider userIdProvider,
    IServiceScopeFactory serviceScopeFactory)
    : HubConnectionHandler<THub>(
        lifetimeManager,
        typeof(ChannelHub).IsAssignableFrom(typeof(THub)) ? new CodedErrorHubProtocolResolver(protocolResolver) : protocolResolver,
        globalHubOptions,
        hubOptions,
        loggerFactory,
        userIdProvider,
        serviceScopeFactory)
    where THub : Hub;
