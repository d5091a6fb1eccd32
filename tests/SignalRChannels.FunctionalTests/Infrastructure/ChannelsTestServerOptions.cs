using Microsoft.AspNetCore.Builder;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>How to build a <see cref="ChannelsTestServer"/>.</summary>
public sealed class ChannelsTestServerOptions
{
    /// <summary>Passed to <c>AddChannels(...)</c>: options, routes, presence and history settings.</summary>
    public Action<ChannelsBuilder>? Channels { get; init; }

    /// <summary>A Redis configuration string; when set, the server adds Redis scale-out.</summary>
    public string? RedisConfiguration { get; init; }

    /// <summary>The Redis key and channel prefix; nodes with the same prefix form one cluster. Random when null.</summary>
    public string? RedisPrefix { get; init; }

    /// <summary>When set, the server adds queued broadcasting (<c>AddQueuedBroadcasting</c>) with these options.</summary>
    public Action<QueuedBroadcastingOptions>? Queue { get; init; }

    /// <summary>Adds channel add-ons (for example <c>AddWebhooks</c>) after <c>AddRedis</c> and queued broadcasting.</summary>
    public Action<IChannelsServerBuilder>? ConfigureChannels { get; init; }

    /// <summary>Changes services and configuration before the app is built.</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; init; }

    /// <summary>Adds middleware and endpoints before the test hub and the publish endpoint are mapped.</summary>
    public Action<WebApplication>? ConfigureApp { get; init; }
}
