using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Internal;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// Turns on history appends that also publish to the backplane (<see cref="BackplaneMessages"/>) once this node has
/// checked, against SignalR's own <c>RedisHubLifetimeManager</c>, that the messages it would write are byte for byte the
/// ones SignalR publishes, and that a script's <c>PUBLISH</c> reaches SignalR's channel. Until then, or when the check
/// fails (another SignalR version's format, another backplane), history publishes take two Redis calls as before.
/// </summary>
internal sealed partial class BackplaneFormatProbe(
    IServiceProvider services,
    HubClientsAccessor hubs,
    RedisConnection redis,
    IChannelEventStore store,
    ILogger<BackplaneFormatProbe> logger) : BackgroundService
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not RedisChannelEventStore redisStore)
        {
            return;
        }

        if (hubs.HubType is not { } hubType || !UsesRedisBackplane(hubType))
        {
            redisStore.SetBackplane(null);
            return;
        }

        try
        {
            var multiplexer = await redis.GetAsync().ConfigureAwait(false);
            var channelPrefix = ConfigurationOptions.Parse(multiplexer.Configuration).ChannelPrefix;
            var backplane = new BackplaneMessages(Protocols(hubType), (channelPrefix.IsNullOrEmpty ? "" : channelPrefix.ToString()) + hubType.FullName);
            if (await MatchesAsync(multiplexer, hubType, backplane, stoppingToken).ConfigureAwait(false))
            {
                redisStore.SetBackplane(backplane);
                Log.On(logger);
            }
            else
            {
                redisStore.SetBackplane(null);
                Log.Mismatch(logger);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // SignalR's probe message never reached the store's Redis: the backplane runs on another one.
            redisStore.SetBackplane(null);
            Log.Elsewhere(logger);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            redisStore.SetBackplane(null);
            Log.Failed(logger, ex);
        }
    }

    private bool UsesRedisBackplane(Type hubType)
    {
        var manager = services.GetService(typeof(HubLifetimeManager<>).MakeGenericType(hubType));
        return manager?.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(RedisHubLifetimeManager<>);
    }

    /// <summary>The protocols SignalR's backplane serializes a send with: the hub's supported protocols, else the app's.</summary>
    private List<IHubProtocol> Protocols(Type hubType)
    {
        var hubOptionsType = typeof(IOptions<>).MakeGenericType(typeof(HubOptions<>).MakeGenericType(hubType));
        var hubOptions = (HubOptions)hubOptionsType.GetProperty(nameof(IOptions<HubOptions>.Value))!.GetValue(services.GetRequiredService(hubOptionsType))!;
        var names = hubOptions.SupportedProtocols ?? services.GetRequiredService<IOptions<HubOptions>>().Value.SupportedProtocols ?? [];
        var resolver = services.GetRequiredService<IHubProtocolResolver>();
        return [.. names.Select(name => resolver.GetProtocol(name, [.. names])).OfType<IHubProtocol>()];
    }

    /// <summary>
    /// Sends a probe event to a group no connection is in, through SignalR, with and without an excluded connection, and
    /// compares what reaches Redis with what the templates give; then publishes from a script to the group's channel.
    /// </summary>
    private async Task<bool> MatchesAsync(IConnectionMultiplexer multiplexer, Type hubType, BackplaneMessages backplane, CancellationToken stoppingToken)
    {
        var probe = ChannelName.Parse("signalrchannels-probe." + Guid.NewGuid().ToString("N"));
        var group = ChannelGroups.For(probe);
        var received = Channel.CreateUnbounded<byte[]>();
        var subscriber = multiplexer.GetSubscriber();

        // Named as SignalR names it: StackExchange.Redis adds the multiplexer's channel prefix, as it does for SignalR.
        var redisChannel = RedisChannel.Literal(hubType.FullName + ":group:" + group);
        await subscriber.SubscribeAsync(redisChannel, (_, message) => received.Writer.TryWrite((byte[])message!)).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(s_timeout);
            using var data = JsonDocument.Parse("""{"probe":"é \"<>\"","n":[1,2.5,null,true]}""");
            var envelope = new ChannelEvent { Channel = probe.Value, Event = "probe", Data = data.RootElement.Clone(), Timestamp = 1, Id = "probe-id" };

            // An offset above 2^32, so a protocol that writes it in full and the template agree byte for byte.
            const long Offset = 5_000_000_001;
            const string Epoch = "probe0ab";
            var sent = envelope.WithPosition(Offset, Epoch);
            foreach (var excluded in new[] { null, "probe-excluded" })
            {
                var clients = excluded is null ? hubs.Clients.Group(group) : hubs.Clients.GroupExcept(group, [excluded]);
                await clients.SendAsync(ChannelEvent.ClientMethodName, sent, timeout.Token).ConfigureAwait(false);
                var signalR = await received.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                if (!signalR.AsSpan().SequenceEqual(backplane.Render(envelope, excluded, Offset, Epoch)))
                {
                    return false;
                }
            }

            var marker = Guid.NewGuid().ToByteArray();
            await multiplexer.GetDatabase().ScriptEvaluateAsync(
                "return redis.call('PUBLISH', ARGV[1], ARGV[2])", values: [backplane.GroupChannel(probe), marker]).ConfigureAwait(false);
            return (await received.Reader.ReadAsync(timeout.Token).ConfigureAwait(false)).AsSpan().SequenceEqual(marker);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(redisChannel).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "SignalR's backplane format checked: history appends publish their events in the same Redis call.")]
        public static partial void On(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, "SignalR's backplane messages differ from what this version of SignalRChannels writes; history publishes take two Redis calls (append, then publish).")]
        public static partial void Mismatch(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "Checking SignalR's backplane format failed; history publishes take two Redis calls (append, then publish).")]
        public static partial void Failed(ILogger logger, Exception exception);

        [LoggerMessage(4, LogLevel.Information, "SignalR's backplane does not run on the history store's Redis; history publishes take two calls (append, then SignalR's send).")]
        public static partial void Elsewhere(ILogger logger);
    }
}
