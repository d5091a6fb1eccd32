using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using Xunit;

namespace SignalRChannels.FunctionalTests.Api;

/// <summary>
/// <c>MapChannelsApi</c> on real Kestrel nodes: the authorization policy (401 without a user, 403 without the role),
/// Pusher's JSON shapes answered cluster-wide on Redis, publishes reaching subscribers on the other node, and coded
/// JSON refusals of hostile input.
/// </summary>
public sealed class ChannelsApiTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string Policy = "channels-admin";
    private static readonly TestUser Admin = new("ops", "Ops", "admin");
    private static readonly TestUser Alice = new("alice", "Alice");
    private static readonly TestUser Bob = new("bob", "Bob");

    [Fact]
    public async Task Api_RequiresThePolicy_401WithoutAUser_403WithoutTheRole()
    {
        await using var node = await StartAsync(redisConfiguration: null, prefix: RedisFixture.NewPrefix());

        using var anonymous = await node.Http.GetAsync("/channels-api/channels").DefaultTimeout();
        using var notAdmin = await SendAsync(node, HttpMethod.Get, "/channels-api/channels", Alice);
        using var notAdminPost = await SendAsync(node, HttpMethod.Post, "/channels-api/events", Alice, new { name = "m", channel = "news", data = "{}" });
        using var admin = await SendAsync(node, HttpMethod.Get, "/channels-api/channels", Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdminPost.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("""{"channels":{}}""", await admin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_AnswersInPusherShapes_ClusterWide_AndPublishesToEveryNode()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartAsync(redis.Configuration, prefix);
        await using var nodeB = await StartAsync(redis.Configuration, prefix);
        var room = $"presence-room.{Guid.NewGuid():N}";
        var news = TestChannels.Unique("news");
        var alice = await nodeA.ConnectAsync(accessToken: Alice.Token);
        var bob = await nodeB.ConnectAsync(accessToken: Bob.Token);
        var bobAgain = await nodeB.ConnectAsync(accessToken: Bob.Token);
        await alice.SubscribeAsync(room);
        await bob.SubscribeAsync(room);
        await bobAgain.SubscribeAsync(room);
        await bob.SubscribeAsync(news);
        await alice.AssertNextEventAsync(room, "member:joined");

        Assert.Equal(
            "{\"channels\":{\"" + room + "\":{\"user_count\":2,\"subscription_count\":3}}}",
            await GetJsonAsync(nodeA, $"/channels-api/channels?filter_by_prefix={room}&info=user_count,subscription_count"));
        Assert.Equal(
            "{\"channels\":{\"" + news + "\":{}}}",
            await GetJsonAsync(nodeA, $"/channels-api/channels?filter_by_prefix={news}"));
        Assert.Equal("""{"occupied":true,"user_count":2}""", await GetJsonAsync(nodeA, $"/channels-api/channels/{room}?info=user_count"));
        Assert.Equal("""{"occupied":true,"subscription_count":1}""", await GetJsonAsync(nodeA, $"/channels-api/channels/{news}?info=subscription_count"));
        Assert.Equal("""{"occupied":false}""", await GetJsonAsync(nodeA, "/channels-api/channels/nobody-here"));
        using var users = JsonDocument.Parse(await GetJsonAsync(nodeB, $"/channels-api/channels/{room}/users"));
        Assert.Equal(["alice", "bob"], users.RootElement.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()).Order());

        using var published = await SendAsync(nodeA, HttpMethod.Post, "/channels-api/events", Admin, new { name = "update", channels = new[] { news, room }, data = """{"n":1}""" });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("""{"n":1}""", (await bob.AssertNextEventAsync(news, "update")).DataJson());
        Assert.Equal("""{"n":1}""", (await bob.AssertNextEventAsync(room, "update")).DataJson());
        Assert.Equal("""{"n":1}""", (await alice.AssertNextEventAsync(room, "update")).DataJson());

        using var batch = await SendAsync(nodeB, HttpMethod.Post, "/channels-api/batch_events", Admin, new { batch = new[] { new { name = "b", channel = news, data = "plain text" } } });
        Assert.Equal("""{"batch":[{}]}""", await batch.Content.ReadAsStringAsync());
        Assert.Equal("\"plain text\"", (await bob.AssertNextEventAsync(news, "b")).DataJson());
    }

    public static TheoryData<string, string, object?, HttpStatusCode, string> HostileRequests => new()
    {
        { "GET", "/channels-api/channels?info=user_count", null, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "GET", "/channels-api/channels?info=everything", null, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "GET", "/channels-api/channels?filter_by_prefix=a&filter_by_prefix=b", null, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "GET", "/channels-api/channels?filter_by_prefix=" + new string('x', 5000), null, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "GET", "/channels-api/channels?info=" + Uri.EscapeDataString("user_count,\u0000"), null, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "GET", "/channels-api/channels/" + Uri.EscapeDataString("bad channel!"), null, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidChannel },
        { "GET", "/channels-api/channels/" + new string('a', 300), null, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidChannel },
        { "GET", "/channels-api/channels/news?info=user_count", null, HttpStatusCode.BadRequest, ChannelErrorCodes.NotPresence },
        { "GET", "/channels-api/channels/news/users", null, HttpStatusCode.BadRequest, ChannelErrorCodes.NotPresence },
        { "POST", "/channels-api/events", new[] { 1, 2 }, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "POST", "/channels-api/events", new { name = "m", data = "{}" }, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "POST", "/channels-api/events", new { name = "m", channels = Enumerable.Repeat("news", 101), data = "{}" }, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "POST", "/channels-api/events", new { name = "client-x", channel = "news", data = "{}" }, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "POST", "/channels-api/events", new { name = "m", channel = "news", data = "{}", socket_id = "<script>" }, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
        { "POST", "/channels-api/events", new { name = "m", channel = "news", data = new string('x', 70_000) }, HttpStatusCode.RequestEntityTooLarge, ChannelErrorCodes.PayloadTooLarge },
        { "POST", "/channels-api/batch_events", new { batch = Enumerable.Repeat(new { name = "m", channel = "news", data = "1" }, 11) }, HttpStatusCode.BadRequest, ChannelErrorCodes.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task HostileRequests_AreRefusedWithACodedJsonError(string method, string path, object? body, HttpStatusCode status, string code)
    {
        await using var node = await StartAsync(redisConfiguration: null, prefix: RedisFixture.NewPrefix());
        using var response = await SendAsync(node, new HttpMethod(method), path, Admin, body);

        Assert.Equal(status, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, error.RootElement.GetProperty("code").GetString());
        Assert.StartsWith(code + ": ", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodiesThatAreNotJsonOrTooLarge_AreRefusedWithACodedJsonError()
    {
        await using var node = await StartAsync(redisConfiguration: null, prefix: RedisFixture.NewPrefix());
        using var notJson = await SendRawAsync(node, new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        using var deep = await SendRawAsync(node, new StringContent(new string('[', 200) + new string(']', 200), System.Text.Encoding.UTF8, "application/json"));
        using var huge = await SendRawAsync(node, new ByteArrayContent(new byte[2 * 1024 * 1024]));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge), (notJson.StatusCode, deep.StatusCode, huge.StatusCode));
        Assert.Contains("\"code\":\"invalid_argument\"", await notJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"code\":\"payload_too_large\"", await huge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<ChannelsTestServer> StartAsync(string? redisConfiguration, string prefix) => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
    {
        RedisConfiguration = redisConfiguration,
        RedisPrefix = prefix,
        ConfigureBuilder = builder =>
        {
            TestAuthenticationHandler.AddTo(builder);
            builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireRole("admin")));
        },
        ConfigureApp = app =>
        {
            TestAuthenticationHandler.UseIn(app);
            app.UseAuthorization();
            app.MapChannelsApi("/channels-api", Policy);
        },
        Channels = Query.ChannelsQueryTests.Options(null, prefix).Channels,
    });

    private static async Task<string> GetJsonAsync(ChannelsTestServer node, string path)
    {
        using var response = await SendAsync(node, HttpMethod.Get, path, Admin);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {json}");
        return json;
    }

    private static async Task<HttpResponseMessage> SendAsync(ChannelsTestServer node, HttpMethod method, string path, TestUser user, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Test", user.Token);
        return await node.Http.SendAsync(request).DefaultTimeout();
    }

    private static async Task<HttpResponseMessage> SendRawAsync(ChannelsTestServer node, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels-api/events") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Test", Admin.Token);
        return await node.Http.SendAsync(request).DefaultTimeout();
    }
}
