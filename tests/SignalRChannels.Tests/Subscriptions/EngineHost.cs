using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SignalRChannels.Internal;
using SignalRChannels.Pipeline;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Tests.Subscriptions;

/// <summary>
/// The channel engine as the app's DI builds it, without Kestrel or a hub: SignalR's own in-memory lifetime manager
/// behind the groups, callers made up as <see cref="ChannelCaller"/>s.
/// </summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public EngineHost(Action<ChannelsBuilder> channels, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSignalR().AddChannels(channels);
        services?.Invoke(collection);
        _services = collection.BuildServiceProvider();
        var hub = _services.GetRequiredService<IHubContext<EngineHub>>();
        _services.GetRequiredService<HubClientsAccessor>().Set(typeof(EngineHub), hub.Clients, hub.Groups);

        // What the host would start: the command bus listener (revocations) and the presence heartbeat.
        foreach (var service in _services.GetServices<IHostedService>())
        {
            service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public SubscriptionService Subscriptions => Get<SubscriptionService>();

    public ConnectionRegistry Connections => Get<ConnectionRegistry>();

    public ConnectionLifecycle Lifecycle => Get<ConnectionLifecycle>();

    public WhisperRelay Whispers => Get<WhisperRelay>();

    public IChannelSubscriptionManager Manager => Get<IChannelSubscriptionManager>();

    public IPresenceStore Presence => Get<IPresenceStore>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A connected caller, signed in as <paramref name="userId"/> (anonymous when null).</summary>
    public ChannelCaller Connect(string connectionId, string? userId)
    {
        var identity = userId is null
            ? new ClaimsIdentity()
            : new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test");
        var caller = new ChannelCaller(connectionId, userId, new ClaimsPrincipal(identity), CancellationToken.None);
        Lifecycle.OnConnectedAsync(caller).GetAwaiter().GetResult();
        return caller;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services.GetServices<IHostedService>())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }

    public sealed class EngineHub : ChannelHub;
}
