using Microsoft.AspNetCore.SignalR;
using SignalRChannels.Internal;

namespace SignalRChannels;

/// <summary>
/// The base class of a hub that serves channels (wire protocol v1). Inherit it, add your own hub methods,
/// and map it with <c>app.MapChannelHub&lt;THub&gt;(path)</c>.
/// </summary>
/// <example>
/// <code>
/// public sealed class ChatHub : ChannelHub
/// {
///     public Task SendMessage(string roomId, string text) =>
///         Channels.Channel($"presence-chat.{roomId}").PublishAsync("message", new { text }, Context.ConnectionAborted);
/// }
/// </code>
/// </example>
public abstract class ChannelHub : Hub
{
    private ChannelHubServices? _services;

    /// <summary>Publishes events to channels.</summary>
    protected IChannelBroadcaster Channels => Services.Broadcaster;

    internal ChannelHubServices Services
    {
        get => _services ?? throw new InvalidOperationException(
            "Channel services are missing. Call AddSignalR().AddChannels() and map the hub with MapChannelHub<THub>().");
        set => _services = value;
    }

    private Subscriptions.ChannelCaller Caller => Subscriptions.ChannelCaller.From(Context);

    /// <summary>Subscribes the caller to a channel (wire protocol v1 <c>Subscribe</c>).</summary>
    /// <param name="channel">The full channel name.</param>
    /// <param name="options">Recovery position and event filter; may be null.</param>
    /// <returns>The subscription's position, recovered events and presence members.</returns>
    public Task<SubscribeResult> Subscribe(string? channel, SubscribeOptions? options) =>
        Services.Subscriptions.SubscribeAsync(Caller, channel, options?.Since, options?.Events);

    /// <summary>Subscribes the caller to several channels in one call (wire protocol v1 <c>SubscribeMany</c>).</summary>
    /// <param name="channels">The full channel names.</param>
    /// <param name="options">Recovery positions per channel and an event filter; may be null.</param>
    /// <returns>One result per channel, in order; a failed channel carries <c>error</c> instead of failing the call.</returns>
    public Task<SubscribeResult[]> SubscribeMany(string?[]? channels, SubscribeManyOptions? options) =>
        Services.Subscriptions.SubscribeManyAsync(Caller, channels, options);

    /// <summary>Unsubscribes the caller from a channel (wire protocol v1 <c>Unsubscribe</c>); idempotent.</summary>
    /// <param name="channel">The full channel name.</param>
    /// <returns>A task that completes when the subscription is gone.</returns>
    public Task Unsubscribe(string? channel) =>
        Services.Subscriptions.UnsubscribeAsync(Caller, channel);

    /// <summary>
    /// Returns the members of a presence channel the caller is subscribed to (wire protocol v1 <c>GetMembers</c>):
    /// the first <see cref="PresenceOptions.MaxMembersPerResponse"/> of them in ordinal order of their ids.
    /// </summary>
    /// <param name="channel">The full presence channel name.</param>
    /// <returns>The members, one per user.</returns>
    public Task<IReadOnlyList<PresenceMember>> GetMembers(string? channel) =>
        Services.Queries.GetMembersAsync(Caller, channel);

    /// <summary>
    /// Returns a page of the members of a presence channel the caller is subscribed to (<c>GetMembersPage</c>, an
    /// addition to wire protocol v1), in ordinal order of their ids.
    /// </summary>
    /// <param name="channel">The full presence channel name.</param>
    /// <param name="options">Where the page starts and how long it is; may be null.</param>
    /// <returns>The members and where the next page starts.</returns>
    public Task<MembersPage> GetMembersPage(string? channel, MembersPageOptions? options) =>
        Services.Queries.GetMembersPageAsync(Caller, channel, options);

    /// <summary>Reads a history-enabled channel the caller is subscribed to (wire protocol v1 <c>GetHistory</c>).</summary>
    /// <param name="channel">The full channel name.</param>
    /// <param name="options">Position, limit and direction; may be null.</param>
    /// <returns>The stream position and the events.</returns>
    public Task<HistoryResult> GetHistory(string? channel, HistoryOptions? options) =>
        Services.Queries.GetHistoryAsync(Caller, channel, options);

    /// <summary>
    /// Optional heartbeat: records that the client is alive and the round-trip time it measured last time, and
    /// returns the server's clock (Unix milliseconds) so the client can measure the next one. Clients that never
    /// call it are kept alive by SignalR's own keep-alive.
    /// </summary>
    /// <param name="roundTripMs">The round-trip time the client measured on its previous heartbeat, if any.</param>
    /// <returns>The server time in Unix milliseconds.</returns>
    public long Heartbeat(double? roundTripMs) => Services.Heartbeat.Beat(Caller, roundTripMs);

    /// <summary>
    /// Returns the caller's connection id, for the <c>X-Socket-ID</c> header of its HTTP requests (<c>toOthers</c>).
    /// Clients that skip negotiation (WebSockets only, no sticky sessions) do not learn their id otherwise.
    /// </summary>
    /// <returns>The connection id.</returns>
    public string GetSocketId() => Context.ConnectionId;

    /// <summary>
    /// Sends a client event to the other subscribers of a private or presence channel (wire protocol v1 <c>Whisper</c>).
    /// It is delivered as <c>client-&lt;event&gt;</c> with a server-stamped <c>from</c>, and never echoed to the sender.
    /// </summary>
    /// <param name="channel">The full channel name; the caller must be subscribed.</param>
    /// <param name="event">The event name, without the <c>client-</c> prefix.</param>
    /// <param name="data">The payload.</param>
    /// <returns>A task that completes when the event has been handed to the fan-out.</returns>
    public Task Whisper(string? channel, string? @event, object? data) =>
        Services.Whispers.WhisperAsync(Caller, channel, @event, data);
}
