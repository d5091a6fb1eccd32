using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>The users of the authorization tests, authenticated by <see cref="TestAuthenticationHandler"/>.</summary>
public static class Users
{
    public static readonly TestUser Alice = new("7", "Alice");
    public static readonly TestUser Bob = new("8", "Bob");
    public static readonly TestUser Admin = new("1", "Ada", "admin");

    /// <summary>A token the handler cannot read: authentication fails and the connection is anonymous.</summary>
    public const string MalformedToken = "not-a-test-token";
}

/// <summary>
/// The app under test: real authentication, an "Admin" policy, DI services the callbacks use, and one route per
/// authorization feature. Each route's comment says who it allows.
/// </summary>
public static class AuthorizationTestApp
{
    /// <summary>What the throwing callback's exception says: it must reach the log and never a client.</summary>
    public const string CallbackSecret = "connection string Server=db;Password=hunter2";

    public const int WhisperPermitLimit = 3;

    public static ChannelsTestServerOptions Options(TestLoggerProvider logs, Action<ChannelsOptions>? configure = null, string? redis = null, string? redisPrefix = null) => new()
    {
        RedisConfiguration = redis,
        RedisPrefix = redisPrefix,
        ConfigureBuilder = builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter("SignalRChannels", LogLevel.Debug);
            TestAuthenticationHandler.AddTo(builder);
            builder.Services.AddAuthorizationBuilder().AddPolicy("Admin", policy => policy.RequireRole("admin"));
            builder.Services.AddSingleton<OrderBook>();
            builder.Services.AddSingleton<ProjectMembers>();
            builder.Services.AddSingleton<RoomAllowList>();
            builder.Services.AddSingleton<SlowCallbacks>();
        },
        ConfigureApp = TestAuthenticationHandler.UseIn,
        Channels = channels =>
        {
            channels.Configure(o =>
            {
                // Deterministic limits: nothing refills within a test.
                o.WhisperPermitLimit = WhisperPermitLimit;
                o.WhisperWindow = TimeSpan.FromMinutes(1);
                configure?.Invoke(o);
            });

            // Any authenticated user.
            channels.Private("account.{section}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);

            // Only the user whose id is in the channel name (int parameter).
            channels.Private("users.{userId}", (ClaimsPrincipal user, int userId) =>
                user.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

            // The owner of the order, asked of a DI service (long parameter).
            channels.Private("orders.{orderId}", (ClaimsPrincipal user, long orderId, OrderBook orders) =>
                orders.IsOwner(orderId, user.FindFirstValue(ClaimTypes.NameIdentifier)));

            // Members of the project, asked of a DI service (Guid parameter).
            channels.Private("projects.{projectId}", (ClaimsPrincipal user, Guid projectId, ProjectMembers members) =>
                members.Contains(projectId, user.FindFirstValue(ClaimTypes.NameIdentifier)));

            // Whoever the mutable allow-list names right now (re-authorization).
            channels.Private("rooms.{roomId}", (ClaimsPrincipal user, string roomId, RoomAllowList allowed) =>
                allowed.Contains(roomId, user.FindFirstValue(ClaimTypes.NameIdentifier)));

            // Nobody: the callback throws.
            channels.Private("boom.{id}", bool (string id) => throw new InvalidOperationException(CallbackSecret));

            // Nobody: the callback says no.
            channels.Private("never.{id}", () => false);

            // Odd ids, decided asynchronously (Task<bool>).
            channels.Private("async.{id}", async (long id, CancellationToken cancellationToken) =>
            {
                await Task.Yield();
                return id % 2 == 1;
            });

            // Admins, by policy alone.
            channels.Private("admin.{area}").RequireAuthorization("Admin");

            // Whoever the test lets through, whenever it does (see SlowCallbacks).
            channels.Private("slow.{id}", async (string id, SlowCallbacks slow, CancellationToken cancellationToken) =>
                await slow.For(id).EnterAsync(cancellationToken));

            // Any authenticated user, with whispers on (the default) or off.
            channels.Private("typing.{roomId}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
            channels.Private("quiet.{roomId}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
            channels.DisableWhispers("quiet.*");

            // Any authenticated user, as a member whose id the server derives (never the raw user id).
            channels.Presence("chat.{roomId}", (ClaimsPrincipal user, string roomId) =>
                user.Identity?.IsAuthenticated == true
                    ? new PresenceMember(MemberIdOf(user), new { name = user.Identity.Name, room = roomId })
                    : null);

            // Nobody: the presence callback returns null.
            channels.Presence("closed.{roomId}", () => (PresenceMember?)null);

            // Rooms whose id starts with "open", decided asynchronously (ValueTask<PresenceMember?>).
            channels.Presence("vroom.{roomId}", async ValueTask<PresenceMember?> (ClaimsPrincipal user, string roomId) =>
            {
                await Task.Yield();
                return roomId.StartsWith("open", StringComparison.Ordinal) ? new PresenceMember(MemberIdOf(user)) : null;
            });

            // Admins: a policy, then the callback.
            channels.Presence("staff.{roomId}", (ClaimsPrincipal user) => new PresenceMember(MemberIdOf(user)))
                .RequireAuthorization("Admin");

            channels.History("private-orders.*", size: 10, ttl: TimeSpan.FromMinutes(5));
        },
    };

    /// <summary>The member id the presence routes give a user: derived on the server, so a client cannot pick it.</summary>
    public static string MemberIdOf(ClaimsPrincipal user) => "member-" + user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string MemberIdOf(TestUser user) => "member-" + user.Id;
}

/// <summary>Order 1 belongs to Alice, order 2 to Bob.</summary>
public sealed class OrderBook
{
    public bool IsOwner(long orderId, string? userId) => (orderId, userId) is (1, "7") or (2, "8");
}

public sealed class ProjectMembers
{
    private readonly ConcurrentDictionary<(Guid, string), bool> _members = new();

    public void Add(Guid projectId, string userId) => _members[(projectId, userId)] = true;

    public bool Contains(Guid projectId, string? userId) => userId is not null && _members.ContainsKey((projectId, userId));
}

/// <summary>A rule that changes while users are subscribed: who may join each room.</summary>
public sealed class RoomAllowList
{
    private readonly ConcurrentDictionary<(string, string), bool> _allowed = new();

    public void Allow(string roomId, string userId) => _allowed[(roomId, userId)] = true;

    public void Remove(string roomId, string userId) => _allowed.TryRemove((roomId, userId), out _);

    public bool Contains(string roomId, string? userId) => userId is not null && _allowed.ContainsKey((roomId, userId));
}

/// <summary>
/// Callbacks of <c>private-slow.{id}</c> that run until the test releases them, recording the token they got.
/// </summary>
public sealed class SlowCallbacks
{
    private readonly ConcurrentDictionary<string, Call> _calls = new();

    public Call For(string id) => _calls.GetOrAdd(id, _ => new Call());

    public sealed class Call
    {
        private readonly TaskCompletionSource<bool> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the callback runs.</summary>
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the token the callback got is cancelled.</summary>
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release(bool allow) => _release.TrySetResult(allow);

        public async Task<bool> EnterAsync(CancellationToken cancellationToken)
        {
            cancellationToken.Register(() => Cancelled.TrySetResult());
            Entered.TrySetResult();
            return await _release.Task.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>A server running <see cref="AuthorizationTestApp"/>, with its log captured.</summary>
public class AuthorizationFixture : ChannelsServerFixture
{
    public TestLoggerProvider Logs { get; } = new();

    public IChannelSubscriptionManager SubscriptionManager => Server.Services.GetRequiredService<IChannelSubscriptionManager>();

    internal SignalRChannels.Subscriptions.ConnectionRegistry Subscriptions =>
        Server.Services.GetRequiredService<SignalRChannels.Subscriptions.ConnectionRegistry>();

    public T Service<T>()
        where T : notnull => Server.Services.GetRequiredService<T>();

    protected override ChannelsTestServerOptions Options => AuthorizationTestApp.Options(Logs);

    /// <summary>Whether the server holds a subscription of the connection to the channel.</summary>
    public bool IsSubscribed(ChannelsTestClient client, string channel) =>
        Subscriptions.SubscriptionsOf(client.ConnectionId).Contains(ChannelName.Parse(channel));
}
