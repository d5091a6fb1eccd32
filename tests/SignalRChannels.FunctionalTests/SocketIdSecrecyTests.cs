using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;

namespace SignalRChannels.FunctionalTests;

/// <summary>
/// A connection id is what <c>X-Socket-ID</c> names; the server never shows it to others, and a request cannot use
/// another user's connection id to suppress that user's delivery.
/// </summary>
public sealed class SocketIdSecrecyTests
{
    private static readonly TestUser Alice = new("7", "Alice");
    private static readonly TestUser Bob = new("8", "Bob");

    private static Task<ChannelsTestServer> StartAsync() => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
    {
        ConfigureBuilder = TestAuthenticationHandler.AddTo,
        ConfigureApp = TestAuthenticationHandler.UseIn,
        Channels = channels => channels.Private("chat.{id}", (System.Security.Claims.ClaimsPrincipal user) => true),
    });

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task AnonymousWhisper_IsFromAnAlias_NotTheSendersConnectionId(WireProtocol protocol)
    {
        await using var server = await StartAsync();
        await using var sender = await server.ConnectAsync(protocol: protocol);
        await using var receiver = await server.ConnectAsync(protocol: protocol);
        await sender.SubscribeAsync("private-chat.1");
        await receiver.SubscribeAsync("private-chat.1");

        await sender.WhisperAsync("private-chat.1", "typing", null);
        await sender.WhisperAsync("private-chat.1", "typing", null);
        var first = await receiver.AssertNextEventAsync("private-chat.1", "client-typing");
        var second = await receiver.AssertNextEventAsync("private-chat.1", "client-typing");

        Assert.StartsWith("anon-", first.From, StringComparison.Ordinal);
        Assert.Equal(first.From, second.From);
        Assert.DoesNotContain(sender.ConnectionId, first.From!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SocketIdOfAnotherUsersConnection_IsIgnored_TheirOwnIsHonoured()
    {
        await using var server = await StartAsync();
        await using var alice = await server.ConnectAsync(accessToken: Alice.Token);
        await using var bob = await server.ConnectAsync(accessToken: Bob.Token);
        await alice.SubscribeAsync("news");
        await bob.SubscribeAsync("news");

        // Bob names Alice's connection: ignored, both get it. Then Bob names his own: only Alice gets it.
        await PublishAsBobAsync(server, "spoofed", alice.ConnectionId);
        await PublishAsBobAsync(server, "own", bob.ConnectionId);

        await alice.AssertNextEventAsync("news", "spoofed");
        await alice.AssertNextEventAsync("news", "own");
        await bob.AssertNextEventAsync("news", "spoofed");
        await server.Broadcaster.PublishAsync("news", "marker", null);
        await bob.AssertNextEventAsync("news", "marker");
    }

    private static async Task PublishAsBobAsync(ChannelsTestServer server, string eventName, string socketId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/publish/news/{eventName}") { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Bob.Token);
        request.Headers.Add(SocketIdHttpContextExtensions.SocketIdHeader, socketId);
        using var response = await server.Http.SendAsync(request).DefaultTimeout();
        response.EnsureSuccessStatusCode();
    }
}
