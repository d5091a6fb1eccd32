using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Connections.Client;
using SignalRChannels.Client;
using StackExchange.Redis;

namespace DocsSnippets;

public sealed class ScaleOutHub : SignalRChannels.ChannelHub;

public static class ScaleOutSnippets
{
    public static void Server(WebApplicationBuilder builder)
    {
        #region scaleout-server
        var redis = ConfigurationOptions.Parse(builder.Configuration.GetConnectionString("Redis")!); // "redis.internal:6380,ssl=true,password=…"
        if (builder.Configuration["Redis:CaFile"] is { Length: > 0 } caFile)
        {
            // Redis' certificate comes from a private CA: trust that CA for this connection only.
            redis.TrustIssuer(caFile);
        }

        builder.Services.AddSignalR()
            .AddChannels(channels => channels.History("chat.*", size: 200, ttl: TimeSpan.FromHours(1)))
            .AddRedis(options =>
            {
                options.ConfigurationOptions = redis;
                options.Prefix = "chat-app";
            })
            // On shutdown: refuse new connections (503) and hand presence over to other nodes (after AddRedis).
            .AddGracefulDrain()
            // Past 5,000 connections this node answers HTTP 429 (Retry-After: 5) before the WebSocket upgrade.
            .AddConnectionLimit(options => options.MaxConnections = 5_000);
        #endregion
    }

    public static void Cluster(WebApplicationBuilder builder)
    {
        #region scaleout-redis-cluster
        builder.Services.AddSignalR()
            .AddChannels()
            .AddRedis("redis-a:6379,redis-b:6379,redis-c:6379,password=…"); // ssl=true etc. apply to every node
        #endregion
    }

    public static void Kestrel(WebApplicationBuilder builder)
    {
        #region scaleout-kestrel-https
        // Kestrel serving https/wss itself (no proxy in front): a PEM certificate and key.
        var certificate = X509Certificate2.CreateFromPemFile("/etc/chat/tls/server.pem", "/etc/chat/tls/server.key");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        builder.WebHost.UseUrls("https://0.0.0.0:443");
        #endregion
    }

    public static ChannelsClient Client(X509Certificate2 privateCa)
    {
        #region scaleout-dotnet-client-private-ca
        // A service calling a hub whose certificate comes from a private CA: trust that CA, and only for this client.
        // Negotiation and long polling use the handler; the WebSocket handshake uses the WebSocket options.
        var chainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
        chainPolicy.CustomTrustStore.Add(privateCa);
        var options = new ChannelsClientOptions
        {
            Url = new Uri("https://chat.internal/hubs/chat"),
            HttpMessageHandlerFactory = _ => new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = chainPolicy } },
            ConfigureConnection = connection => connection.Services.Configure<HttpConnectionOptions>(http =>
                http.WebSocketConfiguration = webSocket => webSocket.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                    {
                        return false; // no certificate, or the wrong host name
                    }

                    using var chain = new X509Chain { ChainPolicy = chainPolicy };
                    using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return chain.Build(leaf);
                }),
        };
        #endregion
        return new ChannelsClient(options);
    }
}
