using System.Collections.Concurrent;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
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

    private readonly Dictionary<string, ChannelSubscription> _channelsByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChannelSubscription> _channels = new(StringComparer.Ordinal);
    private readonly object _channelsGate = new();
    private readonly object _stateGate = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly IChannelsConnection _connection;
    private readonly ResiliencePipeline _reconnectPipeline;
    private CancellationTokenSource? _connectLoopCancellation;
    private Task _connectLoop = Task.CompletedTask;
    private int _connectLoopRunning;
    private volatile ConnectionState _state;
    private volatile bool _stopRequested = true;
    private volatile string? _serverSocketId;
    private volatile bool _disposed;
    private CancellationTokenSource? _heartbeatCancellation;
    private long _roundTripTicks = -1;

    /// <summary>Creates a client; it does not connect until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The options; <see cref="ChannelsClientOptions.Url"/> is required.</param>
    /// <param name="loggerFactory">Logs connection, subscription and handler failures; <see langword="null"/> logs nothing.</param>
    /// <param name="timeProvider">Time for the reorder window and reconnect delays; <see langword="null"/> uses the system clock.</param>
    public ChannelsClient(ChannelsClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, AbsoluteUrl(options), connection: null, loggerFactory, timeProvider)
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
        _reconnectPipeline = BuildReconnectPipeline(options.Reconnect, TimeProvider, Logger);
        _connection = connection ?? new HubChannelsConnection(BuildConnection(options, url, LoggerFactory));
        (connection as NullChannelsConnection)?.Attach(this);

        _connection.OnChannelEvent(OnChannelEvent);
        _connection.Closed += OnClosedAsync;
    }

    /// <summary>Raised on every change of <see cref="State"/>, on the thread that caused it; handlers must not block.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>The connection's state.</summary>
    public ConnectionState State => _state;

    /// <summary>The hub URL.</summary>
    public Uri Url { get; }

    /// <summary>
    /// The connection id, for the <c>X-Socket-ID</c> header that lets the server leave this connection out of a
    /// broadcast (<c>toOthers</c>). When negotiation is skipped (the default) it is asked from the server
    /// (<c>GetSocketId</c>) after each connect. <see langword="null"/> while disconnected.
    /// </summary>
    public string? SocketId => _state == ConnectionState.Connected ? _connection.ConnectionId ?? _serverSocketId : null;

    /// <summary>
    /// The round-trip time of the last heartbeat (<see cref="ChannelsClientOptions.HeartbeatInterval"/>): the time a
    /// <c>Heartbeat</c> call took to be answered. <see langword="null"/> until one was answered, or with heartbeats off.
    /// </summary>
    public TimeSpan? RoundTripTime => Interlocked.Read(ref _roundTripTicks) is >= 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>The channels the app asked for and has not left, by full name.</summary>
    public IReadOnlyCollection<ChannelSubscription> Subscriptions => [.. _channels.Values];

    internal ChannelsClientOptions Options { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>
    /// The public channel <paramref name="name"/>; the same object for the same name until it is left. It subscribes as
    /// soon as the client is connected (await <see cref="ChannelSubscription.WhenSubscribedAsync"/> to know when).
    /// </summary>
    /// <param name="name">The channel name; it may not start with <c>private-</c> or <c>presence-</c>.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The name is empty or carries a private or presence prefix.</exception>
    public ChannelSubscription Channel(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith(PrivatePrefix, StringComparison.Ordinal) || name.StartsWith(PresencePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a public channel name: use Private() or Presence().", nameof(name));
        }

        return GetOrAdd(name, ChannelSubscription.Create);
    }

    /// <summary>The private channel <c>private-<paramref name="name"/></c>; the prefix may also be given.</summary>
    /// <param name="name">The name without the prefix, as in Laravel Echo (<c>orders.42</c>), or the full name (<c>private-orders.42</c>).</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The name is empty or is a presence channel's.</exception>
    public PrivateChannelSubscription Private(string name) =>
        GetOrAdd(FullName(PrivatePrefix, PresencePrefix, name), PrivateChannelSubscription.Create);

    /// <summary>The presence channel <c>presence-<paramref name="name"/></c>; the prefix may also be given.</summary>
    /// <param name="name">The name without the prefix (<c>chat.1</c>), or the full name (<c>presence-chat.1</c>).</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The name is empty or is a private channel's.</exception>
    public PresenceChannelSubscription Presence(string name) =>
        GetOrAdd(FullName(PresencePrefix, PrivatePrefix, name), PresenceChannelSubscription.Create);

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
        ChannelSubscription? subscription;
        lock (_channelsGate)
        {
            if (!_channelsByName.Remove(fullName, out subscription))
            {
                return;
            }

            _channels.TryRemove(fullName, out _);
        }

        subscription.Dispose();

        // A Subscribe still in flight would otherwise reach the server after the Unsubscribe.
        try
        {
            await subscription.PendingSubscribe.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
        }

        if (_state != ConnectionState.Connected)
        {
            return;
        }

        try
        {
            await _connection.InvokeAsync<object?>(ChannelHubMethods.Unsubscribe, [fullName], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The server drops the subscription with the connection anyway; nothing for the app to act on.
            ChannelsClientLog.UnsubscribeFailed(Logger, fullName, ex);
        }
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
        return InvokeChannelMethodAsync<T>(method, args, channel: null, cancellationToken);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task? running = null;
        try
        {
            if (_state == ConnectionState.Connected)
            {
                return;
            }

            if (Volatile.Read(ref _connectLoopRunning) == 1)
            {
                running = _connectLoop;
            }
            else
            {
                _stopRequested = false;
                SetState(ConnectionState.Connecting);
                try
                {
                    await _connection.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    SetState(ConnectionState.Disconnected);
                    throw;
                }
            }
        }
        finally
        {
            _lifecycle.Release();
        }

        if (running is not null)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await OnConnectedAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the connection and stops reconnecting. Channels are kept: <see cref="StartAsync"/> resumes them.</summary>
    /// <param name="cancellationToken">Cancels waiting for the connection to close.</param>
    /// <returns>A task that completes when disconnected.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stopRequested = true;
            Task loop;
            lock (_stateGate)
            {
                _connectLoopCancellation?.Cancel();
                loop = _connectLoop;
            }

            StopHeartbeats();
            SuspendAll();
            await _connection.StopAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await loop.WaitAsync(Options.StopTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            SetState(ConnectionState.Disconnected);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the connection and leaves every channel locally (the server drops them with the connection).</summary>
    /// <returns>A task that completes when the client is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
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

        ChannelSubscription[] channels;
        lock (_channelsGate)
        {
            channels = [.. _channelsByName.Values];
            _channelsByName.Clear();
            _channels.Clear();
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Starts connecting with the reconnect policy without waiting (used when the host starts the client).</summary>
    internal void StartInBackground()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state != ConnectionState.Disconnected)
        {
            return;
        }

        _stopRequested = false;
        SetState(ConnectionState.Connecting);
        StartConnectLoop();
    }

    /// <summary>Completes once the channel's handlers have run for everything delivered so far.</summary>
    internal Task FlushAsync(string fullName) =>
        _channels.TryGetValue(fullName, out var subscription) ? subscription.FlushAsync() : Task.CompletedTask;

    /// <summary>Invokes a hub method, turning server errors and a lost connection into <see cref="ChannelException"/>.</summary>
    internal async Task<T> InvokeChannelMethodAsync<T>(string method, object?[] args, string? channel, CancellationToken cancellationToken)
    {
        if (_connection.State != HubConnectionState.Connected)
        {
            throw new ChannelException(ChannelErrorCodes.Unavailable, "the client is not connected", channel);
        }

        try
        {
            return await _connection.InvokeAsync<T>(method, args, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw ChannelException.From(ex, channel);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or IOException
            && !cancellationToken.IsCancellationRequested)
        {
            // The connection went away under the invocation.
            throw new ChannelException(ChannelErrorCodes.Unavailable, "the connection was lost", channel, ex);
        }
    }

    private TSubscription GetOrAdd<TSubscription>(string fullName, Func<ChannelsClient, string, TSubscription> create)
        where TSubscription : ChannelSubscription
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ChannelSubscription? subscription;
        bool created;
        lock (_channelsGate)
        {
            created = !_channelsByName.TryGetValue(fullName, out subscription);
            if (created)
            {
                subscription = create(this, fullName);
                _channelsByName.Add(fullName, subscription);
                _channels[fullName] = subscription;
            }
        }

        // Asking again for a channel the server removed is asking to be subscribed again.
        if ((created || subscription!.State == SubscriptionState.Unsubscribed) && _state == ConnectionState.Connected)
        {
            _ = SubscribeAsync(subscription!);
        }

        return (TSubscription)subscription!;
    }

    private static Uri AbsoluteUrl(ChannelsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Url is { IsAbsoluteUri: true } url
            ? url
            : throw new ArgumentException("ChannelsClientOptions.Url must be an absolute URL of the channel hub.", nameof(options));
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

    private Task SubscribeAsync(ChannelSubscription subscription)
    {
        var request = subscription.BeginSubscribe();
        if (request is null)
        {
            return Task.CompletedTask;
        }

        var task = SubscribeCoreAsync(subscription, request);
        subscription.PendingSubscribe = task;
        return task;
    }

    private async Task SubscribeCoreAsync(ChannelSubscription subscription, SubscribeRequest request)
    {
        var options = request.Since is null ? null : new SubscribeOptions { Since = request.Since };
        try
        {
            var result = await _connection.InvokeAsync<SubscribeResult>(ChannelHubMethods.Subscribe, [subscription.Name, options], CancellationToken.None)
                .ConfigureAwait(false);
            subscription.CompleteSubscribe(request, result);
        }
        catch (HubException ex)
        {
            subscription.FailSubscribe(request, ChannelException.From(ex, subscription.Name));
        }
        catch (Exception ex) when (_connection.State != HubConnectionState.Connected)
        {
            // Suspended with the connection; the next connection resubscribes.
            ChannelsClientLog.SubscribeInterrupted(Logger, subscription.Name, ex);
        }
        catch (Exception ex)
        {
            subscription.FailSubscribe(request, new ChannelException(ChannelErrorCodes.Unknown, ex.Message, subscription.Name, ex));
        }
    }

    private void OnChannelEvent(ChannelEvent @event)
    {
        if (@event?.Channel is not { } channel || @event.Event is null)
        {
            ChannelsClientLog.MalformedEvent(Logger);
            return;
        }

        if (_channels.TryGetValue(channel, out var subscription))
        {
            subscription.Receive(@event);
        }
    }

    /// <summary>Learns the connection id (negotiation is usually skipped) and resubscribes every channel.</summary>
    private async Task OnConnectedAsync()
    {
        _serverSocketId = null;
        SetState(ConnectionState.Connected);
        ChannelsClientLog.Connected(Logger, Url);
        StartHeartbeats();
        var socketId = _connection.ConnectionId is null ? FetchSocketIdAsync() : Task.CompletedTask;
        var wanted = _channels.Values.Where(s => s.WantsSubscription).ToArray();
        var batches = wanted.Chunk(Options.SubscribeBatchSize).Select(batch => batch.Length == 1 ? SubscribeAsync(batch[0]) : SubscribeManyAsync(batch));
        await Task.WhenAll([socketId, .. batches]).ConfigureAwait(false);
    }

    /// <summary>Subscribes several channels in one <c>SubscribeMany</c> call; each result succeeds or fails on its own.</summary>
    private Task SubscribeManyAsync(ChannelSubscription[] subscriptions)
    {
        var started = new List<(ChannelSubscription Subscription, SubscribeRequest Request)>(subscriptions.Length);
        foreach (var subscription in subscriptions)
        {
            if (subscription.BeginSubscribe() is { } request)
            {
                started.Add((subscription, request));
            }
        }

        var task = started.Count switch
        {
            0 => Task.CompletedTask,
            _ => SubscribeManyCoreAsync(started),
        };
        foreach (var (subscription, _) in started)
        {
            subscription.PendingSubscribe = task;
        }

        return task;
    }

    private async Task SubscribeManyCoreAsync(List<(ChannelSubscription Subscription, SubscribeRequest Request)> batch)
    {
        Dictionary<string, StreamPosition?>? since = null;
        foreach (var (subscription, request) in batch)
        {
            if (request.Since is not null)
            {
                (since ??= new(StringComparer.Ordinal))[subscription.Name] = request.Since;
            }
        }

        var options = since is null ? null : new SubscribeManyOptions { Since = since };
        SubscribeResult?[] results;
        try
        {
            results = await _connection.InvokeAsync<SubscribeResult?[]>(
                ChannelHubMethods.SubscribeMany, [batch.Select(b => b.Subscription.Name).ToArray(), options], CancellationToken.None).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            batch.ForEach(b => b.Subscription.FailSubscribe(b.Request, ChannelException.From(ex, b.Subscription.Name)));
            return;
        }
        catch (Exception ex) when (_connection.State != HubConnectionState.Connected)
        {
            batch.ForEach(b => ChannelsClientLog.SubscribeInterrupted(Logger, b.Subscription.Name, ex));
            return;
        }
        catch (Exception ex)
        {
            batch.ForEach(b => b.Subscription.FailSubscribe(b.Request, new ChannelException(ChannelErrorCodes.Unknown, ex.Message, b.Subscription.Name, ex)));
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var (subscription, request) = batch[i];
            var result = i < results.Length ? results[i] : null;
            if (result is null || (result.Channel is not null && result.Channel != subscription.Name))
            {
                subscription.FailSubscribe(request, new ChannelException(ChannelErrorCodes.Unknown, "SubscribeMany returned no matching result", subscription.Name));
            }
            else if (!string.IsNullOrEmpty(result.Error))
            {
                subscription.FailSubscribe(request, ChannelException.FromMessage(result.Error, subscription.Name));
            }
            else
            {
                subscription.CompleteSubscribe(request, result);
            }
        }
    }

    private void StartHeartbeats()
    {
        if (Options.HeartbeatInterval is not { } interval)
        {
            return;
        }

        var cancellation = new CancellationTokenSource();
        Interlocked.Exchange(ref _heartbeatCancellation, cancellation)?.Cancel();
        _ = HeartbeatLoopAsync(interval, cancellation.Token);
    }

    private void StopHeartbeats() => Interlocked.Exchange(ref _heartbeatCancellation, null)?.Cancel();

    /// <summary>Beats at once, then every interval, one at a time, until the connection closes or the server refuses.</summary>
    private async Task HeartbeatLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(interval, TimeProvider);
            do
            {
                if (!await BeatAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> BeatAsync(CancellationToken cancellationToken)
    {
        // The server records the previous measurement (it bounds the value to 10 minutes).
        double? previous = RoundTripTime is { } rtt ? Math.Min(rtt.TotalMilliseconds, 600_000) : null;
        var started = TimeProvider.GetTimestamp();
        try
        {
            await _connection.InvokeAsync<long>(ChannelHubMethods.Heartbeat, [previous], cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            // The method is optional: a server without it answers with an error, and is never asked again on this connection.
            ChannelsClientLog.HeartbeatRefused(Logger, ex.Message);
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The connection went away; closing it cancels this loop, and the next connection starts a new one.
            ChannelsClientLog.HeartbeatFailed(Logger, ex);
            return true;
        }

        Interlocked.Exchange(ref _roundTripTicks, TimeProvider.GetElapsedTime(started).Ticks);
        return true;
    }

    private async Task FetchSocketIdAsync()
    {
        try
        {
            _serverSocketId = await _connection.InvokeAsync<string?>(ChannelHubMethods.GetSocketId, [], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Optional extension: a server without it only loses toOthers.
            ChannelsClientLog.SocketIdFailed(Logger, ex);
        }
    }

    private Task OnClosedAsync(Exception? error)
    {
        _serverSocketId = null;
        StopHeartbeats();
        SuspendAll();
        if (_stopRequested || _disposed || !Options.Reconnect.Enabled)
        {
            SetState(ConnectionState.Disconnected, error);
            return Task.CompletedTask;
        }

        ChannelsClientLog.ConnectionLost(Logger, error);
        SetState(ConnectionState.Reconnecting, error);
        StartConnectLoop();
        return Task.CompletedTask;
    }

    private void StartConnectLoop()
    {
        lock (_stateGate)
        {
            if (_connectLoopRunning == 1)
            {
                return;
            }

            _connectLoopRunning = 1;
            _connectLoopCancellation?.Dispose();
            var cancellation = new CancellationTokenSource();
            _connectLoopCancellation = cancellation;
            _connectLoop = Task.Run(() => ConnectLoopAsync(cancellation.Token), CancellationToken.None);
        }
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _reconnectPipeline.ExecuteAsync(
                static async (connection, token) => await connection.StartAsync(token).ConfigureAwait(false),
                _connection,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _connectLoopRunning, 0);
            if (!cancellationToken.IsCancellationRequested && !_stopRequested)
            {
                ChannelsClientLog.ReconnectGaveUp(Logger, ex);
                SetState(ConnectionState.Disconnected, ex);
            }

            return;
        }

        Volatile.Write(ref _connectLoopRunning, 0);
        if (_stopRequested)
        {
            return;
        }

        // Closed fires only after a start succeeds; a close that raced the flag reset above is caught here.
        if (_connection.State == HubConnectionState.Disconnected)
        {
            await OnClosedAsync(null).ConfigureAwait(false);
            return;
        }

        await OnConnectedAsync().ConfigureAwait(false);
    }

    private void SuspendAll()
    {
        foreach (var subscription in _channels.Values)
        {
            subscription.Suspend();
        }
    }

    private void SetState(ConnectionState state, Exception? error = null)
    {
        ConnectionState previous;
        lock (_stateGate)
        {
            previous = _state;
            if (previous == state)
            {
                return;
            }

            _state = state;
        }

        var handlers = StateChanged;
        if (handlers is null)
        {
            return;
        }

        var args = new ConnectionStateChangedEventArgs(previous, state, error);
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

    private static HubConnection BuildConnection(ChannelsClientOptions options, Uri url, ILoggerFactory loggerFactory)
    {
        var builder = new HubConnectionBuilder().WithUrl(url, options.Transports, http =>
        {
            http.SkipNegotiation = options.SkipNegotiation && options.Transports == HttpTransportType.WebSockets;
            if (options.AccessTokenProvider is { } tokens)
            {
                http.AccessTokenProvider = tokens;
            }

            foreach (var (name, value) in options.Headers)
            {
                http.Headers[name] = value;
            }

            if (options.HttpMessageHandlerFactory is { } handlers)
            {
                http.HttpMessageHandlerFactory = handlers;
            }
        });
        if (options.Protocol == ChannelsProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol(messagePack => messagePack.SerializerOptions = MessagePackOptions);
        }

        builder.Services.AddSingleton(loggerFactory);
        options.ConfigureConnection?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// Payloads stay <see cref="System.Text.Json.JsonElement"/> on the client (written as native MessagePack maps);
    /// the contractless resolver that allows non-public members reads <see cref="PresenceMember"/> through its private constructor.
    /// </summary>
    private static MessagePackSerializerOptions MessagePackOptions { get; } =
        MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(
                [JsonElementFormatter.Instance],
                [ContractlessStandardResolverAllowPrivate.Instance]))
            .WithSecurity(MessagePackSecurity.UntrustedData);

    private static ResiliencePipeline BuildReconnectPipeline(ReconnectOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        var attempts = options.MaxAttempts ?? int.MaxValue;
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = attempts == int.MaxValue ? int.MaxValue : attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                OnRetry = args =>
                {
                    ChannelsClientLog.ReconnectAttemptFailed(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    return default;
                },
            });
        }

        return builder.Build();
    }
}
