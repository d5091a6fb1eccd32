using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Internal;

namespace SignalRChannels.Pipeline;

/// <summary>
/// The publish middleware registered with <c>UseMiddleware</c>, composed into one delegate chain the first time an
/// event is published (so middleware may depend on <see cref="IChannelBroadcaster"/>) and never again: each step
/// checks its own pattern, so no chain is built per channel or per publish. Applies the guarantees of
/// <see cref="IChannelEventMiddleware"/>: drops and failures are logged and counted, presence events always go on.
/// </summary>
internal sealed partial class PublishMiddleware
{
    private static readonly ChannelEventDelegate s_end = static context =>
    {
        context.PassedOn = true;
        return ValueTask.CompletedTask;
    };

    private readonly MiddlewareRegistration[] _registrations;
    private readonly Lazy<ChannelEventDelegate> _chain;
    private readonly IServiceProvider _services;
    private readonly JsonSerializerOptions _payloadOptions;
    private readonly int _maxEventNameLength;
    private readonly Diagnostics.ChannelsMetrics _metrics;
    private readonly ILogger _logger;

    public PublishMiddleware(
        ChannelRegistry registry,
        IServiceProvider services,
        IOptions<ChannelsOptions> options,
        IOptions<JsonHubProtocolOptions> jsonOptions,
        Diagnostics.ChannelsMetrics metrics,
        ILogger<PublishMiddleware> logger)
    {
        _registrations = [.. registry.Middleware];
        _services = services;
        _payloadOptions = jsonOptions.Value.PayloadSerializerOptions;
        _maxEventNameLength = options.Value.MaxEventNameLength;
        _metrics = metrics;
        _logger = logger;
        _chain = new Lazy<ChannelEventDelegate>(Compose, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether any middleware applies to the channel; when none does, a publish skips the chain entirely.</summary>
    public bool AppliesTo(ChannelName channel)
    {
        foreach (var registration in _registrations)
        {
            if (registration.Pattern is null || registration.Pattern.IsMatch(channel))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Runs the chain. Returns the event as the chain left it, or null when it was dropped (a server publish);
    /// throws <c>event_dropped</c> for a dropped whisper and <c>event_failed</c> when a middleware threw.
    /// </summary>
    public async ValueTask<(string EventName, JsonElement Data)?> RunAsync(
        ChannelName channel, ChannelEventKind kind, string eventName, JsonElement data, string? from, CancellationToken cancellationToken)
    {
        var context = new ChannelEventContext(
            channel, kind, eventName, data, from, _services, _payloadOptions, _maxEventNameLength, cancellationToken);
        try
        {
            await _chain.Value(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && kind != ChannelEventKind.Presence)
        {
            throw;
        }
        catch (Exception ex)
        {
            if (kind == ChannelEventKind.Presence)
            {
                // A lost member:left would leave a ghost on every client: the event goes on as it was published.
                Log.PresenceMiddlewareFailed(_logger, ex, eventName, channel.Value);
                return (eventName, data);
            }

            Log.MiddlewareFailed(_logger, ex, eventName, channel.Value);
            _metrics.Dropped(channel, kind, "middleware_error");
            throw new ChannelException(
                ChannelErrorCodes.EventFailed, $"'{channel.Value}': a publish middleware failed; the event was not sent");
        }

        if (kind == ChannelEventKind.Presence)
        {
            if (!context.PassedOn)
            {
                Log.PresenceNotPassedOn(_logger, eventName, channel.Value);
            }

            return (context.EventName, context.Data);
        }

        if (context.IsDropped || !context.PassedOn)
        {
            var reason = context.DropReason ?? "a middleware did not pass the event on";
            Log.Dropped(_logger, eventName, channel.Value, reason);
            _metrics.Dropped(channel, kind, "middleware");
            return kind == ChannelEventKind.Whisper
                ? throw new ChannelException(ChannelErrorCodes.EventDropped, $"'{channel.Value}': the event was dropped: {reason}")
                : null;
        }

        return (context.EventName, context.Data);
    }

    private ChannelEventDelegate Compose()
    {
        var next = s_end;
        for (var i = _registrations.Length - 1; i >= 0; i--)
        {
            var middleware = _registrations[i].Create(_services);
            var pattern = _registrations[i].Pattern;
            var rest = next;
            next = pattern is null
                ? context => middleware.InvokeAsync(context, rest)
                : context => pattern.IsMatch(context.Channel) ? middleware.InvokeAsync(context, rest) : rest(context);
        }

        return next;
    }

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Debug, "Publish middleware dropped event {EventName} on {Channel}: {Reason}.")]
        public static partial void Dropped(ILogger logger, string eventName, string channel, string reason);

        [LoggerMessage(51, LogLevel.Error, "A publish middleware threw for event {EventName} on {Channel}; the event was dropped.")]
        public static partial void MiddlewareFailed(ILogger logger, Exception exception, string eventName, string channel);

        [LoggerMessage(52, LogLevel.Error, "A publish middleware threw for presence event {EventName} on {Channel}; the event is sent unchanged.")]
        public static partial void PresenceMiddlewareFailed(ILogger logger, Exception exception, string eventName, string channel);

        [LoggerMessage(53, LogLevel.Warning, "A publish middleware did not pass on presence event {EventName} on {Channel}; presence events are never dropped, it is sent.")]
        public static partial void PresenceNotPassedOn(ILogger logger, string eventName, string channel);
    }
}
