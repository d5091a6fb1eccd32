using System.Security.Claims;
using System.Text.Json;
using DocsSnippets;
using Microsoft.AspNetCore.Http;
using SignalRChannels.FunctionalTests.Authorization;

namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary>The code quoted by docs/concepts/pipeline.md (docs/snippets/PipelineSnippets.cs) does what the page says.</summary>
public class PipelineDocsTests
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task DocsPipeline_StampsServerEvents_ModeratesChat_AndPublishesTypedEventsToFilteredSubscribers(WireProtocol protocol)
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureBuilder = builder =>
            {
                TestAuthenticationHandler.AddTo(builder);
                PipelineSnippets.Configure(builder);
            },
            ConfigureApp = TestAuthenticationHandler.UseIn,
            Channels = channels =>
            {
                channels.Private("chat.{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
                channels.Private("orders.{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
            },
        });
        var chat = TestChannels.Unique("private-chat");
        var alice = await server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var bob = await server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await alice.SubscribeAsync(chat);
        await bob.SubscribeAsync(chat);
        await bob.SubscribeAsync("private-orders.42", new { events = new[] { nameof(ParcelShipped) } });

        var dropped = await HubErrors.AssertCodeAsync(ChannelErrorCodes.EventDropped, () => alice.WhisperAsync(chat, "message", new { text = "buy spam" }));
        await alice.WhisperAsync(chat, "message", new { text = "hi" });
        await server.Broadcaster.PublishAsync(chat, "message", new { text = "hello" }).DefaultTimeout();
        await server.Broadcaster.PublishAsync("private-orders.42", "OrderNoted", new { orderId = 42 }).DefaultTimeout();
        await PipelineSnippets.OnShippedAsync(server.Broadcaster, new DefaultHttpContext(), 42).DefaultTimeout();

        Assert.Contains("moderated", dropped.Message, StringComparison.Ordinal);
        Assert.Equal("""{"text":"hi"}""", (await bob.AssertNextEventAsync(chat, "client-message")).DataJson());
        using var stamped = JsonDocument.Parse((await bob.AssertNextEventAsync(chat, "message")).DataJson());
        Assert.True(stamped.RootElement.GetProperty("sentAt").GetInt64() > 0);
        using var shipped = JsonDocument.Parse((await bob.AssertNextEventAsync("private-orders.42", nameof(ParcelShipped))).DataJson());
        Assert.Equal((42, "DHL"), (shipped.RootElement.GetProperty("orderId").GetInt64(), shipped.RootElement.GetProperty("carrier").GetString()));
    }
}
