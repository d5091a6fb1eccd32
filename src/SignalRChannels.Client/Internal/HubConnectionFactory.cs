using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace SignalRChannels.Client.Internal;

/// <summary>Builds the client's <see cref="HubConnection"/> and its reconnect policy from <see cref="ChannelsClientOptions"/>.</summary>
internal static class HubConnectionFactory
{
    /// <summary>
    /// Payloads stay <see cref="System.Text.Json.JsonElement"/> on the client (written as native MessagePack maps);
    /// the contractless resolver that allows non-public members reads <see cref="PresenceMember"/> through its private constructor.
    /// </summary>
    private static MessagePackSerializerOptions MessagePackOptions { get; } =
        MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(
                [JsonElementFormatter.Instance],
                [ContractlessStandardResolverAllowPrivate.Instance]))
            .WithSecurity(MessagePackSecurity.UntrustedData);

    public static Uri AbsoluteUrl(ChannelsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Url is { IsAbsoluteUri: true } url
            ? url
            : throw new ArgumentException("ChannelsClientOptions.Url must be an absolute URL of the channel hub.", nameof(options));
    }

    public static HubConnection BuildConnection(ChannelsClientOptions options, Uri url, ILoggerFactory loggerFactory)
    {
        var builder = new HubConnectionBuilder().WithUrl(url, options.Transports, http =>
        {
            http.SkipNegotiation = options.SkipNegotiation && options.Transports == HttpTransportType.WebSockets;
            if (options.AccessTokenProvider is { } tokens)
            {
                http.AccessTokenProvider = tokens;
            }

            foreach (var (name, value) in options.Headers)
            {
                http.Headers[name] = value;
            }

            if (options.HttpMessageHandlerFactory is { } handlers)
            {
                http.HttpMessageHandlerFactory = handlers;
            }
        });
        if (options.Protocol == ChannelsProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol(messagePack => messagePack.SerializerOptions = MessagePackOptions);
        }

        builder.Services.AddSingleton(loggerFactory);
        options.ConfigureConnection?.Invoke(builder);
        return builder.Build();
    }

    public static ResiliencePipeline BuildReconnectPipeline(ReconnectOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        var attempts = options.MaxAttempts ?? int.MaxValue;
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = attempts == int.MaxValue ? int.MaxValue : attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                OnRetry = args =>
                {
                    ChannelsClientLog.ReconnectAttemptFailed(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    return default;
                },
            });
        }

        return builder.Build();
    }
}
