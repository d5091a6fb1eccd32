using SignalRChannels.Subscriptions;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Authorization;

namespace SignalRChannels.Tests.Authorization;

/// <summary>
/// How route callbacks bind (user, caller, token, route parameters by name and type, DI services) and what
/// they may return; mistakes in a callback's signature fail at registration, not at the first subscribe.
/// </summary>
public class RouteCallbackTests
{
    private static readonly ClaimsPrincipal s_alice = new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "7")], "Test"));

    [Fact]
    public async Task IntParameter_BindsByName()
    {
        var result = await InvokeAsync(ChannelKind.Private, "users.{userId}", "private-users.42", (int userId) => userId == 42);

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task LongParameter_BindsValuesBeyondInt()
    {
        var result = await InvokeAsync(ChannelKind.Private, "orders.{orderId}", "private-orders.9000000000", (long orderId) => orderId == 9_000_000_000);

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task GuidParameter_Binds()
    {
        var id = Guid.NewGuid();

        var result = await InvokeAsync(ChannelKind.Private, "projects.{projectId}", $"private-projects.{id}", (Guid projectId) => projectId == id);

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task NullableIntParameter_Binds()
    {
        var result = await InvokeAsync(ChannelKind.Private, "users.{userId}", "private-users.5", (int? userId) => userId == 5);

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task StringParameter_GetsTheRawSegment()
    {
        var result = await InvokeAsync(ChannelKind.Private, "rooms.{roomId}", "private-rooms.a=b@c", (string roomId) => roomId == "a=b@c");

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task ParameterName_BindsIgnoringCase()
    {
        var result = await InvokeAsync(ChannelKind.Private, "orders.{orderId}", "private-orders.3", (int ORDERID) => ORDERID == 3);

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task CustomTypeWithTryParseAndFormatProvider_Binds()
    {
        var result = await InvokeAsync(ChannelKind.Private, "regions.{region}", "private-regions.EU", (RegionCode region) => region.Value == "eu");

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task CustomTypeWithPlainTryParse_Binds()
    {
        var result = await InvokeAsync(ChannelKind.Private, "orders.{number}", "private-orders.ORD-17", (OrderNumber number) => number.Value == 17);

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task CustomTypeThatRefusesTheValue_IsABindingFailure()
    {
        var callback = new RouteCallback((OrderNumber number) => true, ChannelKind.Private, ChannelPattern.Parse("orders.{number}"));

        var outcome = await callback.InvokeAsync(Context("orders.{number}", "private-orders.17"));

        Assert.False(outcome.IsBound);
        Assert.Contains("number", outcome.BindingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conversion_UsesTheInvariantCulture_NotTheServersCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            decimal? bound = null;

            await InvokeAsync(ChannelKind.Private, "prices.{limit}", "private-prices.1,5", (decimal limit) =>
            {
                bound = limit;
                return true;
            });

            // Invariant: ',' groups thousands, so "1,5" is 15; in de-DE it would have been 1.5.
            Assert.Equal(15m, bound);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("private-users.abc")]
    [InlineData("private-users.2147483648")]
    [InlineData("private-users.7x")]
    [InlineData("private-users.7,0")]
    public async Task ValueThatDoesNotConvert_IsABindingFailure_AndTheCallbackDoesNotRun(string channel)
    {
        var ran = false;
        var callback = new RouteCallback((int userId) => ran = true, ChannelKind.Private, ChannelPattern.Parse("users.{userId}"));

        var outcome = await callback.InvokeAsync(Context("users.{userId}", channel));

        Assert.False(outcome.IsBound);
        Assert.False(ran);
    }

    [Fact]
    public async Task ContextParameters_AreTheUserTheCallerTheChannelAndTheToken()
    {
        using var cts = new CancellationTokenSource();
        var caller = new FakeCaller("connection-1", s_alice);
        object?[] seen = [];
        var callback = new RouteCallback(
            (ClaimsPrincipal user, HubCallerContext hubCaller, ChannelName channel, ChannelAuthorizationContext request, CancellationToken token) =>
            {
                seen = [user, hubCaller, channel, request, token];
                return true;
            },
            ChannelKind.Private,
            ChannelPattern.Parse("orders.{orderId}"));
        var context = Context("orders.{orderId}", "private-orders.1", caller, cancellationToken: cts.Token);

        await callback.InvokeAsync(context);

        Assert.Same(s_alice, seen[0]);
        Assert.Same(caller, seen[1]);
        Assert.Equal(ChannelName.Parse("private-orders.1"), seen[2]);
        Assert.Same(context.Authorization, seen[3]);
        Assert.Equal(cts.Token, seen[4]);
    }

    [Fact]
    public async Task OtherParameters_AreServicesFromTheGivenProvider()
    {
        var services = new ServiceCollection().AddSingleton(new OrderOwners("7")).BuildServiceProvider();

        var result = await InvokeAsync(
            ChannelKind.Private,
            "orders.{orderId}",
            "private-orders.1",
            (ClaimsPrincipal user, long orderId, OrderOwners owners) => owners.Owner == user.FindFirstValue(ClaimTypes.NameIdentifier),
            services);

        Assert.Equal(true, result);
    }

    [Fact]
    public async Task AsyncCallbacks_AreAwaited()
    {
        var member = new PresenceMember("member-7");

        Assert.Equal(true, await InvokeAsync(ChannelKind.Private, "a.{id}", "private-a.1", async (int id) => { await Task.Yield(); return true; }));
        Assert.Equal(false, await InvokeAsync(ChannelKind.Private, "a.{id}", "private-a.1", (int id) => new ValueTask<bool>(false)));
        Assert.Same(member, await InvokeAsync(ChannelKind.Presence, "a.{id}", "presence-a.1", async Task<PresenceMember?> () => { await Task.Yield(); return member; }));
        Assert.Null(await InvokeAsync(ChannelKind.Presence, "a.{id}", "presence-a.1", async ValueTask<PresenceMember?> () => { await Task.Yield(); return null; }));
    }

    [Fact]
    public async Task CallbackThatThrows_ThrowsItsOwnException()
    {
        var callback = new RouteCallback(bool () => throw new InvalidOperationException("boom"), ChannelKind.Private, ChannelPattern.Parse("a"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => callback.InvokeAsync(Context("a", "private-a")).AsTask());

        Assert.Equal("boom", ex.Message);
    }

    public static TheoryData<Delegate> UnparsableRouteParameters => new()
    {
        (Uri orderId) => true,
        (object orderId) => true,
        (int[] orderId) => true,
        (OrderOwners orderId) => true,
        (ChannelKind orderId) => true,
    };

    [Theory]
    [MemberData(nameof(UnparsableRouteParameters))]
    public void RouteParameterOfAnUnsupportedType_ThrowsAtRegistration(Delegate callback)
    {
        var ex = Assert.Throws<ArgumentException>(() => Register(channels => channels.Private("orders.{orderId}", callback)));

        Assert.Contains("orderId", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Delegate> NotBool => new()
    {
        () => "yes",
        () => 1,
        () => (bool?)true,
        () => Task.CompletedTask,
        () => Task.FromResult(1),
        () => ValueTask.FromResult("yes"),
        () => { },
        () => new PresenceMember("member-1"),
        () => Task.FromResult<PresenceMember?>(null),
    };

    [Theory]
    [MemberData(nameof(NotBool))]
    public void PrivateOrPublicRoute_NotReturningBool_ThrowsAtRegistration(Delegate callback)
    {
        Assert.Throws<ArgumentException>(() => Register(channels => channels.Private("orders.{orderId}", callback)));
        Assert.Throws<ArgumentException>(() => Register(channels => channels.Public("orders.{orderId}", callback)));
    }

    public static TheoryData<Delegate> NotMember => new()
    {
        () => true,
        () => Task.FromResult(true),
        () => ValueTask.FromResult(false),
        () => "member-1",
        () => Task.CompletedTask,
        () => { },
        () => (object)new PresenceMember("member-1"),
    };

    [Theory]
    [MemberData(nameof(NotMember))]
    public void PresenceRoute_NotReturningAMember_ThrowsAtRegistration(Delegate callback) =>
        Assert.Throws<ArgumentException>(() => Register(channels => channels.Presence("chat.{roomId}", callback)));

    [Theory]
    [InlineData("private-orders.{orderId}")]
    [InlineData("presence-orders.{orderId}")]
    public void RouteWithAKindPrefix_ThrowsAtRegistration(string pattern) =>
        Assert.Throws<ArgumentException>(() => Register(channels => channels.Private(pattern, () => true)));

    [Theory]
    [InlineData("orders.{")]
    [InlineData("orders.**")]
    [InlineData("")]
    public void RouteWithAMalformedPattern_ThrowsAtRegistration(string pattern) =>
        Assert.Throws<ArgumentException>(() => Register(channels => channels.Private(pattern, () => true)));

    [Fact]
    public void WellFormedRoutes_Register()
    {
        Register(channels =>
        {
            channels.Private("users.{userId}", (ClaimsPrincipal user, int userId) => true);
            channels.Private("orders.{orderId}", (long orderId, OrderOwners owners, CancellationToken token) => Task.FromResult(true));
            channels.Private("regions.{region}", (RegionCode region) => new ValueTask<bool>(true));
            channels.Private("staff.*").RequireAuthorization("Staff");
            channels.Presence("chat.{roomId}", (string roomId) => (PresenceMember?)null);
            channels.Public("news.{topic}", (string topic) => true);
        });
    }

    private static void Register(Action<ChannelsBuilder> configure) =>
        new ServiceCollection().AddSignalR().AddChannels(configure);

    private static async Task<object?> InvokeAsync(ChannelKind kind, string pattern, string channel, Delegate callback, IServiceProvider? services = null)
    {
        var routeCallback = new RouteCallback(callback, kind, ChannelPattern.Parse(pattern));
        var outcome = await routeCallback.InvokeAsync(Context(pattern, channel, services: services));
        Assert.True(outcome.IsBound, outcome.BindingError);
        return outcome.Value;
    }

    private static RouteCallback.BindingContext Context(
        string pattern,
        string channel,
        HubCallerContext? caller = null,
        IServiceProvider? services = null,
        CancellationToken cancellationToken = default)
    {
        var name = ChannelName.Parse(channel);
        Assert.True(ChannelPattern.Parse(pattern).TryMatch(name, out var values), $"{pattern} does not match {channel}");
        caller ??= new FakeCaller("connection-1", s_alice);
        var authorization = new ChannelAuthorizationContext(name, caller.User!, caller.ConnectionId, values);
        return new RouteCallback.BindingContext(authorization, ChannelCaller.From(caller), services ?? new ServiceCollection().BuildServiceProvider(), cancellationToken);
    }

    public sealed record OrderOwners(string Owner);

    /// <summary>A route value type with the <c>IParsable</c>-style TryParse: any case of a two-letter code.</summary>
    public readonly record struct RegionCode(string Value)
    {
        public static bool TryParse(string? s, IFormatProvider? provider, out RegionCode result)
        {
            result = s is { Length: 2 } ? new RegionCode(s.ToLowerInvariant()) : default;
            return s is { Length: 2 };
        }
    }

    /// <summary>A route value type with only the plain TryParse: <c>ORD-&lt;number&gt;</c>.</summary>
    public sealed class OrderNumber
    {
        public int Value { get; private init; }

        public static bool TryParse(string? s, out OrderNumber? result)
        {
            result = s is not null && s.StartsWith("ORD-", StringComparison.Ordinal) && int.TryParse(s[4..], CultureInfo.InvariantCulture, out var value)
                ? new OrderNumber { Value = value }
                : null;
            return result is not null;
        }
    }

    private sealed class FakeCaller(string connectionId, ClaimsPrincipal user) : HubCallerContext
    {
        public override string ConnectionId => connectionId;

        public override string? UserIdentifier => User?.FindFirstValue(ClaimTypes.NameIdentifier);

        public override ClaimsPrincipal? User => user;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }
}
