using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SignalRChannels.Dashboard;
using SignalRChannels.FunctionalTests.Infrastructure;
using Xunit;

namespace SignalRChannels.FunctionalTests.Dashboard;

/// <summary>
/// <c>MapChannelsDashboard</c> on real Kestrel: the page's policy (401/403/200), its assets (content types, nothing
/// from elsewhere), the reserved dashboard channel (refused <c>forbidden</c> without the policy, even when an app
/// route would match it; no whispers) and the samples published to it. The page itself runs in headless Chromium in
/// clients/dashboard (test:browser).
/// </summary>
public sealed class ChannelsDashboardTests
{
    private const string Policy = "channels-ops";
    private static readonly TestUser Ops = new("ops", "Ops", "ops");
    private static readonly TestUser Alice = new("alice", "Alice");

    [Fact]
    public async Task Page_RequiresThePolicy_401WithoutAUser_403WithoutTheRole_200WithIt()
    {
        await using var node = await StartAsync();

        using var anonymous = await node.Http.GetAsync("/channels-dashboard").DefaultTimeout();
        using var alice = await GetAsync(node, "/channels-dashboard", Alice);
        using var aliceScript = await GetAsync(node, "/channels-dashboard/dashboard.js", Alice);
        using var ops = await GetAsync(node, "/channels-dashboard", Ops);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, alice.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, aliceScript.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ops.StatusCode);
    }

    [Fact]
    public async Task Assets_AreServedWithTheirContentTypes_AndReferenceNothingOutsideTheApp()
    {
        await using var node = await StartAsync();

        using var page = await GetAsync(node, "/channels-dashboard", Ops);
        using var script = await GetAsync(node, "/channels-dashboard/dashboard.js", Ops);
        using var style = await GetAsync(node, "/channels-dashboard/dashboard.css", Ops);
        var html = await page.Content.ReadAsStringAsync();
        var js = await script.Content.ReadAsStringAsync();
        var css = await style.Content.ReadAsStringAsync();

        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType?.ToString());
        Assert.Equal("text/css; charset=utf-8", style.Content.Headers.ContentType?.ToString());
        foreach (var response in new[] { page, script, style })
        {
            Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", string.Join(", ", response.Headers.GetValues("X-Content-Type-Options")));
        }

        // The page loads its own two files only, and is told the hub and channel it connects to.
        Assert.Equal(
            ["/channels-dashboard/dashboard.css", "/channels-dashboard/dashboard.js"],
            Regex.Matches(html, """(?:src|href)="([^"]*)""").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.Contains("""data-hub="/hubs/test" data-channel="private-signalrchannels.dashboard">""", html, StringComparison.Ordinal);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", css, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", css, StringComparison.Ordinal);
        // One self-contained module: no import of anything, no script or style element pointing elsewhere.
        Assert.DoesNotMatch("""\bimport\s*[("'{*]|\bfrom\s*["']""", js);
        Assert.DoesNotContain("createElement(\"script\")", js, StringComparison.Ordinal);
        Assert.StartsWith("var ", js, StringComparison.Ordinal);

        // Served again unchanged: 304 on the ETag.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/channels-dashboard/dashboard.js");
        again.Headers.Authorization = new AuthenticationHeaderValue("Test", Ops.Token);
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        using var notModified = await node.Http.SendAsync(again).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task DashboardChannel_IsForbiddenWithoutThePolicy_EvenWhereAnAppRouteWouldAllowIt()
    {
        await using var node = await StartAsync();
        var alice = await node.ConnectAsync(accessToken: Alice.Token);
        var anonymous = await node.ConnectAsync();

        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => alice.SubscribeAsync(DashboardChannel.Name));
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => anonymous.SubscribeAsync(DashboardChannel.Name));
        // The app's own route for private-signalrchannels.{x} still works for its other channels.
        await alice.SubscribeAsync("private-signalrchannels.other");
    }

    [Fact]
    public async Task MappingTheDashboardTwice_Throws_SoItsChannelHasOnePolicy()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureBuilder = builder => builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireRole("ops"))),
            ConfigureApp = app =>
            {
                app.MapChannelsDashboard("/dashboard-1", Policy);
                app.MapChannelsDashboard("/dashboard-2", Policy);
            },
        }));

        Assert.Contains("signalrchannels.dashboard", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watchers_ReceiveEachNodesSample_CountingPublishesButNotTheSamples_AndCannotWhisper()
    {
        await using var node = await StartAsync();
        var sampler = node.Services.GetRequiredService<DashboardSampler>();
        Assert.Null(await sampler.SampleAsync(previous: null, CancellationToken.None).DefaultTimeout());

        var ops = await node.ConnectAsync(accessToken: Ops.Token);
        var reader = await node.ConnectAsync();
        // The reader first: every sample the watcher gets is taken after it subscribed.
        await reader.SubscribeAsync("news");
        await ops.SubscribeAsync(DashboardChannel.Name);
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.WhisperDisabled, () => ops.WhisperAsync(DashboardChannel.Name, "sample", new { node = "fake" }));

        var first = await NextSampleAsync(ops, _ => true);
        Assert.Equal(2, first["connections"]!.GetValue<long>());
        var cluster = first["cluster"]!;
        Assert.Equal(first["node"]!.GetValue<string>(), cluster["nodes"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(1, cluster["watchers"]!.GetValue<long>());
        Assert.Equal(1, cluster["occupiedChannels"]!.GetValue<int>());
        Assert.Equal("news", cluster["topChannels"]![0]!["channel"]!.GetValue<string>());

        for (var i = 0; i < 3; i++)
        {
            await node.Broadcaster.PublishAsync("news", "tick", new { i }).DefaultTimeout();
        }

        var published = first["published"]!.GetValue<long>();
        var later = await NextSampleAsync(ops, s => s["published"]!.GetValue<long>() >= published + 3);
        Assert.Equal(published + 3, later["published"]!.GetValue<long>());
        Assert.True(later["messagesSent"]!.GetValue<long>() > first["messagesSent"]!.GetValue<long>());
    }

    [Fact]
    public async Task Sampler_TicksOnItsTimeProvider_AndMeasuresRatesPerSecondOfTheInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        await using var node = await StartAsync(time);
        var ops = await node.ConnectAsync(accessToken: Ops.Token);
        var reader = await node.ConnectAsync();
        await ops.SubscribeAsync(DashboardChannel.Name);
        await reader.SubscribeAsync("news");

        // One interval at a time: the timer coalesces ticks that fall due while a sample is being taken.
        time.Advance(DashboardSampler.Interval);
        var first = await NextSampleAsync(ops, _ => true);
        Assert.Null(first["publishRate"]);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), first["at"]!.GetValue<long>());

        for (var i = 0; i < 4; i++)
        {
            await node.Broadcaster.PublishAsync("news", "tick", new { i }).DefaultTimeout();
        }

        // A publish returns once its event is in the channel's send line; the sample counts what was written.
        for (var i = 0; i < 4; i++)
        {
            await reader.AssertNextEventAsync("news", "tick");
        }

        time.Advance(DashboardSampler.Interval);
        var second = await NextSampleAsync(ops, _ => true);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), second["at"]!.GetValue<long>());
        Assert.Equal(4.0, second["publishRate"]!.GetValue<double>());
        Assert.True(second["deliveryRate"]!.GetValue<double>() >= 4.0);

        time.Advance(DashboardSampler.Interval);
        var quiet = await NextSampleAsync(ops, _ => true);
        Assert.Equal(0.0, quiet["publishRate"]!.GetValue<double>());
    }

    /// <summary>The next sample that satisfies <paramref name="wanted"/> (samples arrive every second).</summary>
    private static async Task<JsonNode> NextSampleAsync(ChannelsTestClient client, Func<JsonNode, bool> wanted)
    {
        for (var i = 0; i < 10; i++)
        {
            var received = await client.AssertNextEventAsync(DashboardChannel.Name, DashboardChannel.SampleEvent);
            var sample = WireData.ToNode(received.Data)!;
            if (wanted(sample))
            {
                return sample;
            }
        }

        throw new Xunit.Sdk.XunitException("No wanted sample among the next 10.");
    }

    private static Task<ChannelsTestServer> StartAsync(TimeProvider? time = null) => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
    {
        Channels = channels => channels.Private("signalrchannels.{x}", () => true),
        ConfigureBuilder = builder =>
        {
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            TestAuthenticationHandler.AddTo(builder);
            builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireRole("ops")));
        },
        ConfigureApp = app =>
        {
            TestAuthenticationHandler.UseIn(app);
            app.UseAuthorization();
            app.MapChannelsDashboard("/channels-dashboard", Policy);
        },
    });

    private static async Task<HttpResponseMessage> GetAsync(ChannelsTestServer node, string path, TestUser user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Test", user.Token);
        return await node.Http.SendAsync(request).DefaultTimeout();
    }
}
