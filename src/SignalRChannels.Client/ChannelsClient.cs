using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SignalRChannels.Client.Internal;

namespace SignalRChannels.Client;

/// <summary>
/// The .NET client of SignalRChannels: one SignalR connection shared by any number of channel subscriptions, in the
/// shape of Laravel Echo. <see cref="Channel"/>, <see cref="Private"/> and <see cref="Presence"/> hand out
/// subscriptions that stay subscribed (re-authorized, with missed events recovered) across reconnects until left.
/// </summary>
/// <remarks>
/// Thread-safe; meant to be a singleton (<c>services.AddChannelsClient(...)</c>). After the connection is lost the
/// client reconnects with the <see cref="ChannelsClientOptions.Reconnect"/> policy (a Polly retry around
/// <c>HubConnection.StartAsync</c>), then resubscribes every channel with the last position it delivered, so that
/// history-enabled channels resume without loss or duplicates.
/// </remarks>
public sealed class ChannelsClient : IAsyncDisposable
{
    /// <summary>The prefix of private channel names.</summary>
    public const string PrivatePrefix = ChannelNameRules.PrivatePrefix;

    /// <summary>The prefix of presence channel names.</summary>
    public const string PresencePrefix = ChannelNameRules.PresencePrefix;

    private readonly IChannelsConnection _connection;
    private readonly ChannelRegistry _channels;
    private readonly ChannelSubscriber _subscriber;
    private readonly ChannelInvoker _invoker;
    private readonly HeartbeatMonitor _heartbeats;
    private readonly ConnectionLifecycle _lifecycle;

    /// <summary>Creates a client; it does not connect until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The options; <see cref="ChannelsClientOptions.Url"/> is required.</param>
    /// <param name="loggerFactory">Logs connection, subscription and handler failures; <see langword="null"/> logs nothing.</param>
    /// <param name="timeProvider">Time for the reorder window and reconnect delays; <see langword="null"/> uses the system clock.</param>
    public ChannelsClient(ChannelsClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, HubConnectionFactory.AbsoluteUrl(options), connection: null, loggerFactory, timeProvider)
    {
    }

    /// <summary>
    /// Creates a client on a <see cref="NullChannelsConnection"/>, which plays the server in an app's unit tests: every
    /// subscription succeeds, and the test delivers events with <see cref="NullChannelsConnection.EmitAsync"/>.
    /// </summary>
    /// <param name="connection">The in-memory connection.</param>
    /// <param name="options">The options; <see cref="ChannelsClientOptions.Url"/> is not used.</param>
    /// <param name="loggerFactory">Logs handler failures; <see langword="null"/> logs nothing.</param>
    /// <param name="timeProvider">Time for the reorder window and heartbeats; <see langword="null"/> uses the system clock.</param>
    public ChannelsClient(NullChannelsConnection connection, ChannelsClientOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options ?? new ChannelsClientOptions(), options?.Url ?? NullChannelsConnection.Url, connection ?? throw new ArgumentNullException(nameof(connection)), loggerFactory, timeProvider)
    {
    }

    private ChannelsClient(ChannelsClientOptions options, Uri url, IChannelsConnection? connection, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        Options = options;
        Url = url;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger<ChannelsClient>();
        TimeProvider = timeProvider ?? TimeProvider.System;
        _connection = connection ?? new HubChannelsConnection(HubConnectionFactory.BuildConnection(options, url, LoggerFactory));
        (connection as NullChannelsConnection)?.Attach(this);

        _channels = new ChannelRegistry(Logger);
        _subscriber = new ChannelSubscriber(_connection, Logger);
        _invoker = new ChannelInvoker(_connection);
        _heartbeats = new HeartbeatMonitor(_connection, options.HeartbeatInterval, TimeProvider, Logger);
        _connection.OnChannelEvent(_channels.Dispatch);
        _lifecycle = new ConnectionLifecycle(_connection, options, url, TimeProvider, Logger, new ConnectionCallbacks(OnConnectedAsync, OnSuspended, RaiseStateChanged));
    }

    /// <summary>Raised on every change of <see cref="State"/>, on the thread that caused it; handlers must not block.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>The connection's state.</summary>
    public ConnectionState State => _lifecycle.State;

    /// <summary>The hub URL.</summary>
    public Uri Url { get; }

    /// <summary>
    /// The connection id, for the <c>X-Socket-ID</c> header that lets the server leave this connection out of a
    /// broadcast (<c>toOthers</c>). When negotiation is skipped (the default) it is asked from the server
    /// (<c>GetSocketId</c>) after each connect. <see langword="null"/> while disconnected.
    /// </summary>
    public string? SocketId => _lifecycle.SocketId;

    /// <summary>
    /// The round-trip time of the last heartbeat (<see cref="ChannelsClientOptions.HeartbeatInterval"/>): the time a
    /// <c>Heartbeat</c> call took to be answered. <see langword="null"/> until one was answered, or with heartbeats off.
    /// </summary>
    public TimeSpan? RoundTripTime => _heartbeats.RoundTripTime;

    /// <summary>The channels the app asked for and has not left, by full name.</summary>
    public IReadOnlyCollection<ChannelSubscription> Subscriptions => _channels.All;

    internal ChannelsClientOptions Options { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>
    /// The public channel <paramref name="name"/>; the same object for the same name until it is left. It subscribes as
    /// soon as the client is connected (await <see cref="ChannelSubscription.WhenSubscribedAsync"/> to know when).
    /// </summary>
    /// <param name="name">The channel name; it may not start with <c>private-</c> or <c>presence-</c>.</param>
    /// <param name="events">
    /// An event filter: only these event names (and the reserved <c>member:</c>/<c>channel:</c> events) are sent to this
    /// subscription; <see langword="null"/> for every event. Fixed for the subscription's life.
    /// </param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The name is empty or carries a private or presence prefix.</exception>
    /// <exception cref="InvalidOperationException">The channel is already held with another filter; leave it first.</exception>
    public ChannelSubscription Channel(string name, IReadOnlyList<string>? events = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith(PrivatePrefix, StringComparison.Ordinal) || name.StartsWith(PresencePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a public channel name: use Private() or Presence().", nameof(name));
        }

        return GetOrAdd(name, events, ChannelSubscription.Create);
    }

    /// <summary>The private channel <c>private-<paramref name="name"/></c>; the prefix may also be given.</summary>
    /// <param name="name">The name without the prefix, as in Laravel Echo (<c>orders.42</c>), or the full name (<c>private-orders.42</c>).</param>
    /// <param name="events">An event filter, as for <see cref="Channel"/>.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The name is empty or is a presence channel's.</exception>
    /// <exception cref="InvalidOperationException">The channel is already held with another filter; leave it first.</exception>
    public PrivateChannelSubscription Private(string name, IReadOnlyList<string>? events = null) =>
        GetOrAdd(FullName(PrivatePrefix, PresencePrefix, name), events, PrivateChannelSubscription.Create);

    /// <summary>The presence channel <c>presence-<paramref name="name"/></c>; the prefix may also be given.</summary>
    /// <param name="name">The name without the prefix (<c>chat.1</c>), or the full name (<c>presence-chat.1</c>).</param>
    /// <param name="events">An event filter, as for <see cref="Channel"/>; member events always pass.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The name is empty or is a private channel's.</exception>
    /// <exception cref="InvalidOperationException">The channel is already held with another filter; leave it first.</exception>
    public PresenceChannelSubscription Presence(string name, IReadOnlyList<string>? events = null) =>
        GetOrAdd(FullName(PresencePrefix, PrivatePrefix, name), events, PresenceChannelSubscription.Create);

    /// <summary>
    /// Leaves channels as Laravel Echo's <c>leave</c> does: a name without prefix leaves <paramref name="name"/>,
    /// <c>private-</c><paramref name="name"/> and <c>presence-</c><paramref name="name"/>; a full name leaves that channel.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels waiting for the server.</param>
    /// <returns>A task that completes when the channels are left.</returns>
    public Task LeaveAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith(PrivatePrefix, StringComparison.Ordinal) || name.StartsWith(PresencePrefix, StringComparison.Ordinal))
        {
            return LeaveChannelAsync(name, cancellationToken);
        }

        return Task.WhenAll(
            LeaveChannelAsync(name, cancellationToken),
            LeaveChannelAsync(PrivatePrefix + name, cancellationToken),
            LeaveChannelAsync(PresencePrefix + name, cancellationToken));
    }

    /// <summary>Leaves one channel by its full name: its handlers are dropped, its readers end, the server unsubscribes it.</summary>
    /// <param name="fullName">The full channel name.</param>
    /// <param name="cancellationToken">Cancels waiting for the server.</param>
    /// <returns>A task that completes when the channel is left.</returns>
    public async Task LeaveChannelAsync(string fullName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullName);
        if (!_channels.TryRemove(fullName, out var subscription))
        {
            return;
        }

        subscription.Dispose();
        await _subscriber.UnsubscribeAsync(subscription, () => _lifecycle.State == ConnectionState.Connected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Invokes an app hub method (one the app's <c>ChannelHub</c> adds, such as <c>SendMessage</c>) on the shared connection.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="method">The hub method name.</param>
    /// <param name="args">Every argument of the method, in order (SignalR binds by position and count).</param>
    /// <param name="cancellationToken">Cancels waiting for the result.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ChannelException">The server threw a <c>HubException</c> (coded or not), or the client is not connected (<see cref="ChannelErrorCodes.Unavailable"/>).</exception>
    public Task<T> InvokeAsync<T>(string method, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
        return _invoker.InvokeAsync<T>(method, args, channel: null, cancellationToken);
    }

    /// <summary>Invokes an app hub method that returns nothing.</summary>
    /// <param name="method">The hub method name.</param>
    /// <param name="args">Every argument of the method, in order.</param>
    /// <param name="cancellationToken">Cancels waiting for completion.</param>
    /// <returns>A task that completes when the server finished the method.</returns>
    /// <exception cref="ChannelException">The server threw a <c>HubException</c>, or the client is not connected.</exception>
    public Task InvokeAsync(string method, object?[] args, CancellationToken cancellationToken = default) =>
        InvokeAsync<object?>(method, args, cancellationToken);

    /// <summary>
    /// Connects (one attempt), then subscribes every channel asked for so far. Completes once the subscriptions are
    /// answered (a refused one raises its <see cref="ChannelSubscription.SubscriptionFailed"/>). Once connected, lost
    /// connections are restored by the reconnect policy until <see cref="StopAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>A task that completes when connected and subscribed.</returns>
    /// <exception cref="Exception">The connection could not start (the transport's exception).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_lifecycle.IsDisposed, this);
        await _lifecycle.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection and stops reconnecting. Channels are kept: <see cref="StartAsync"/> resumes them.</summary>
    /// <param name="cancellationToken">Cancels waiting for the connection to close.</param>
    /// <returns>A task that completes when disconnected.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _lifecycle.StopAsync(cancellationToken);

    /// <summary>Stops the connection and leaves every channel locally (the server drops them with the connection).</summary>
    /// <returns>A task that completes when the client is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_lifecycle.IsDisposed)
        {
            return;
        }

        _lifecycle.MarkDisposed();
        using (var timeout = new CancellationTokenSource(Options.StopTimeout))
        {
            try
            {
                await StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        foreach (var channel in _channels.RemoveAll())
        {
            channel.Dispose();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Starts connecting with the reconnect policy without waiting (used when the host starts the client).</summary>
    internal void StartInBackground()
    {
        ObjectDisposedException.ThrowIf(_lifecycle.IsDisposed, this);
        _lifecycle.StartInBackground();
    }

    /// <summary>Completes once the channel's handlers have run for everything delivered so far.</summary>
    internal Task FlushAsync(string fullName) => _channels.FlushAsync(fullName);

    /// <summary>Invokes a hub method, turning server errors and a lost connection into <see cref="ChannelException"/>.</summary>
    internal Task<T> InvokeChannelMethodAsync<T>(string method, object?[] args, string? channel, CancellationToken cancellationToken) =>
        _invoker.InvokeAsync<T>(method, args, channel, cancellationToken);

    private TSubscription GetOrAdd<TSubscription>(string fullName, IReadOnlyList<string>? events, Func<ChannelsClient, string, TSubscription> create)
        where TSubscription : ChannelSubscription
    {
        ObjectDisposedException.ThrowIf(_lifecycle.IsDisposed, this);
        var filter = EventFilterKey.Normalize(events);
        var subscription = _channels.GetOrAdd(fullName, name => create(this, name).WithEvents(filter), out var created);
        if (!created && EventFilterKey.Of(subscription.EventFilter) != EventFilterKey.Of(filter))
        {
            throw new InvalidOperationException($"'{fullName}' is held with another event filter; leave it before asking with a new one.");
        }

        // Asking again for a channel the server removed is asking to be subscribed again.
        if ((created || subscription.State == SubscriptionState.Unsubscribed) && _lifecycle.State == ConnectionState.Connected)
        {
            _ = _subscriber.SubscribeAsync(subscription);
        }

        return (TSubscription)subscription;
    }

    private static string FullName(string prefix, string otherPrefix, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith(otherPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a {prefix.TrimEnd('-')} channel name.", nameof(name));
        }

        return name.StartsWith(prefix, StringComparison.Ordinal) ? name : prefix + name;
    }

    /// <summary>Starts heartbeats, learns the connection id and resubscribes every channel.</summary>
    private async Task OnConnectedAsync()
    {
        _heartbeats.Start();
        var socketId = _lifecycle.FetchSocketIdIfNeededAsync();
        var batches = _subscriber.Resubscribe(_channels.Wanted, Options.SubscribeBatchSize);
        await Task.WhenAll([socketId, .. batches]).ConfigureAwait(false);
    }

    private void OnSuspended()
    {
        _heartbeats.Stop();
        _channels.SuspendAll();
    }

    private void RaiseStateChanged(ConnectionStateChangedEventArgs args)
    {
        var handlers = StateChanged;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<ConnectionStateChangedEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex)
            {
                ChannelsClientLog.HandlerFailed(Logger, string.Empty, nameof(StateChanged), ex);
            }
        }
    }
}
