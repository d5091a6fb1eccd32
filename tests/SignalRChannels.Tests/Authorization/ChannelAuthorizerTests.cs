using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Authorization;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Tests.Authorization;

/// <summary>
/// The subscription decision on its own, wired by <c>AddChannels</c>: deny by default for private and presence channels,
/// <see cref="ChannelsOptions.RequirePublicChannelAuthorization"/>, policies before callbacks, and every way a callback can
/// fail. Fast enough for mutation testing; the functional suite covers the same rules through the hub.
/// </summary>
public class ChannelAuthorizerTests
{
    private static readonly ClaimsPrincipal s_alice = User("7");
    private static readonly ClaimsPrincipal s_bob = User("8");
    private static readonly ClaimsPrincipal s_admin = User("1", "admin");

    [Fact]
    public async Task PublicChannelWithoutRoute_IsAllowed_ByDefault()
    {
        var authorizer = Build(_ => { });

        var result = await AuthorizeAsync(authorizer, s_alice, "news.1");

        Assert.True(result.IsAllowed);
        Assert.Null(result.Member);
    }

    [Fact]
    public async Task PublicChannelWithoutRoute_IsDenied_WhenPublicChannelsRequireAuthorization()
    {
        var authorizer = Build(c => c.Configure(o => o.RequirePublicChannelAuthorization = true));

        var result = await AuthorizeAsync(authorizer, s_alice, "news.1");

        Assert.False(result.IsAllowed);
        Assert.NotNull(result.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PublicRoute_DecidesForItsChannels_WhetherOrNotAuthorizationIsRequired(bool required)
    {
        var authorizer = Build(c =>
        {
            c.Configure(o => o.RequirePublicChannelAuthorization = required);
            c.Public("news.{id}", (ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) == "7");
        });

        Assert.True((await AuthorizeAsync(authorizer, s_alice, "news.1")).IsAllowed);
        Assert.False((await AuthorizeAsync(authorizer, s_bob, "news.1")).IsAllowed);
        Assert.Equal(!required, (await AuthorizeAsync(authorizer, s_bob, "weather.1")).IsAllowed);
    }

    [Theory]
    [InlineData("private-orders.1")]
    [InlineData("presence-orders.1")]
    public async Task PrivateAndPresenceChannelsWithoutTheirRoute_AreDenied_EvenWhenAPublicRouteMatchesTheName(string channel)
    {
        var authorizer = Build(c => c.Public("orders.{id}", () => true));

        var result = await AuthorizeAsync(authorizer, s_alice, channel);

        Assert.False(result.IsAllowed);
    }

    [Fact]
    public async Task PrivateRoute_AllowsWhomItsCallbackAllows()
    {
        var authorizer = Build(c => c.Private("users.{userId}", (ClaimsPrincipal user, int userId) =>
            user.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True((await AuthorizeAsync(authorizer, s_alice, "private-users.7")).IsAllowed);
        Assert.False((await AuthorizeAsync(authorizer, s_bob, "private-users.7")).IsAllowed);
    }

    [Fact]
    public async Task PresenceRoute_ReturnsTheMember_OrDeniesOnNull()
    {
        var authorizer = Build(c => c.Presence("chat.{roomId}", (ClaimsPrincipal user) =>
            user.FindFirstValue(ClaimTypes.NameIdentifier) == "7" ? new PresenceMember("member-7", new { name = "Alice" }) : null));

        var allowed = await AuthorizeAsync(authorizer, s_alice, "presence-chat.1");
        var denied = await AuthorizeAsync(authorizer, s_bob, "presence-chat.1");

        Assert.True(allowed.IsAllowed);
        Assert.Equal("member-7", allowed.Member?.Id);
        Assert.False(denied.IsAllowed);
        Assert.Null(denied.Member);
    }

    [Fact]
    public async Task PresenceRouteWithoutCallback_IsDenied_EvenWhenItsPoliciesPass()
    {
        // The builder always asks for a presence callback (it names the member); the registry is one level below it.
        var authorizer = Build(_ => { }, registry => registry.AddRoute(ChannelKind.Presence, "ops.{area}", callback: null).RequireAuthorization("Admin"));

        var result = await AuthorizeAsync(authorizer, s_admin, "presence-ops.1");

        Assert.False(result.IsAllowed);
    }

    [Fact]
    public async Task PrivateRouteWithPoliciesOnly_AllowsWhomEveryPolicyAllows()
    {
        var authorizer = Build(c => c.Private("admin.{area}").RequireAuthorization("Admin", "Signed-in"));

        Assert.True((await AuthorizeAsync(authorizer, s_admin, "private-admin.billing")).IsAllowed);
        Assert.False((await AuthorizeAsync(authorizer, s_alice, "private-admin.billing")).IsAllowed);
        Assert.False((await AuthorizeAsync(authorizer, new ClaimsPrincipal(new ClaimsIdentity()), "private-admin.billing")).IsAllowed);
    }

    [Fact]
    public async Task RoutePolicies_AreCheckedBeforeItsCallback()
    {
        var calls = 0;
        var authorizer = Build(c => c.Private("vault.{id}", () => ++calls > 0).RequireAuthorization("Admin"));

        var denied = await AuthorizeAsync(authorizer, s_alice, "private-vault.1");
        var allowed = await AuthorizeAsync(authorizer, s_admin, "private-vault.1");

        Assert.False(denied.IsAllowed);
        Assert.True(allowed.IsAllowed);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task CallbackThatThrows_Denies_WithoutTheExceptionReachingTheCaller()
    {
        var authorizer = Build(c => c.Private("boom.{id}", bool () => throw new InvalidOperationException("secret")));

        var result = await AuthorizeAsync(authorizer, s_alice, "private-boom.1");

        Assert.False(result.IsAllowed);
        Assert.DoesNotContain("secret", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteParameterThatDoesNotBind_Denies()
    {
        var authorizer = Build(c => c.Private("users.{userId}", (int userId) => true));

        var result = await AuthorizeAsync(authorizer, s_alice, "private-users.not-a-number");

        Assert.False(result.IsAllowed);
    }

    [Fact]
    public async Task CallbackThatOutlivesTheAuthorizationTimeout_FailsWithUnavailable()
    {
        var never = new TaskCompletionSource<bool>();
        var authorizer = Build(c =>
        {
            c.Configure(o => o.AuthorizationTimeout = TimeSpan.FromMilliseconds(20));
            c.Private("slow.{id}", () => never.Task);
        });

        var error = await Assert.ThrowsAsync<ChannelException>(() => AuthorizeAsync(authorizer, s_alice, "private-slow.1"));

        Assert.Equal(ChannelErrorCodes.Unavailable, error.Code);
    }

    [Fact]
    public async Task ConnectionClosingDuringAuthorization_FailsWithUnavailable()
    {
        var never = new TaskCompletionSource<bool>();
        var authorizer = Build(c => c.Private("slow.{id}", () => never.Task));
        using var closed = new CancellationTokenSource();
        await closed.CancelAsync();

        var error = await Assert.ThrowsAsync<ChannelException>(() => AuthorizeAsync(authorizer, s_alice, "private-slow.1", closed.Token));

        Assert.Equal(ChannelErrorCodes.Unavailable, error.Code);
    }

    private static ChannelAuthorizer Build(Action<ChannelsBuilder> configure, Action<SignalRChannels.Internal.ChannelRegistry>? arrange = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthorizationBuilder()
            .AddPolicy("Admin", policy => policy.RequireRole("admin"))
            .AddPolicy("Signed-in", policy => policy.RequireAuthenticatedUser());
        services.AddSignalR().AddChannels(configure);
        var provider = services.BuildServiceProvider();
        arrange?.Invoke(provider.GetRequiredService<SignalRChannels.Internal.ChannelRegistry>());
        return provider.GetRequiredService<ChannelAuthorizer>();
    }

    private static async Task<ChannelAuthorizationResult> AuthorizeAsync(
        ChannelAuthorizer authorizer,
        ClaimsPrincipal user,
        string channel,
        CancellationToken cancellationToken = default) =>
        await authorizer.AuthorizeAsync(
            new ChannelCaller("connection-1", user.FindFirstValue(ClaimTypes.NameIdentifier), user, CancellationToken.None),
            ChannelName.Parse(channel),
            cancellationToken);

    private static ClaimsPrincipal User(string id, params string[] roles) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, id), .. roles.Select(role => new Claim(ClaimTypes.Role, role))],
            "Test"));
}
