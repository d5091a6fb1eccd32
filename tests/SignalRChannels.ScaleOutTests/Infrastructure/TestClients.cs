using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>The .NET client as a service would configure it, with short reconnect delays for tests.</summary>
public static class TestClients
{
    /// <summary>
    /// A client of <paramref name="hubUrl"/> signed in as <paramref name="user"/> (token <c>user;user</c>). With
    /// <paramref name="trust"/>, TLS certificates must chain to that test CA (and only to it); the host name is checked
    /// as always. The default transport is WebSockets without negotiation, as behind a load balancer without affinity.
    /// </summary>
    public static ChannelsClient Create(
        Uri hubUrl,
        string? user = null,
        TestCertificates? trust = null,
        ChannelsProtocol protocol = ChannelsProtocol.Json,
        HttpTransportType transports = HttpTransportType.WebSockets)
    {
        var options = new ChannelsClientOptions { Url = hubUrl, Protocol = protocol, Transports = transports };
        options.Reconnect.BaseDelay = TimeSpan.FromMilliseconds(100);
        options.Reconnect.MaxDelay = TimeSpan.FromSeconds(1);
        options.Reconnect.UseJitter = false;
        if (user is not null)
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>($"{user};{user}");
        }

        if (trust is not null)
        {
            // HTTP requests (negotiation, long polling, server-sent events) and the WebSocket handshake are made by two
            // different stacks in SignalR's client; each gets the test CA.
            options.HttpMessageHandlerFactory = _ => new SocketsHttpHandler
            {
                SslOptions = { CertificateChainPolicy = trust.ChainPolicy() },
            };
            options.ConfigureConnection = connection => connection.Services.Configure<HttpConnectionOptions>(http =>
                http.WebSocketConfiguration = webSocket =>
                    webSocket.RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.Validate(certificate, errors));
        }

        return new ChannelsClient(options);
    }

    /// <summary>Which node this client's connection is on (the test hub's <c>Node()</c>).</summary>
    public static Task<string> NodeAsync(this ChannelsClient client) => client.InvokeAsync<string>("Node", []);
}
