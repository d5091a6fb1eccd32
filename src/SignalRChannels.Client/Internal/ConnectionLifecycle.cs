using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Polly;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// The connection's state machine: start, stop, and after a lost connection the reconnect loop (a Polly retry around
/// <c>StartAsync</c> with the <see cref="ChannelsClientOptions.Reconnect"/> backoff).
/// </summary>
internal sealed class ConnectionLifecycle
{
    private readonly object _stateGate = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly IChannelsConnection _connection;
    private readonly ChannelsClientOptions _options;
    private readonly Uri _url;
    private readonly ILogger _logger;
    private readonly ConnectionCallbacks _callbacks;
    private readonly ResiliencePipeline _reconnectPipeline;
    private CancellationTokenSource? _connectLoopCancellation;
    private Task _connectLoop = Task.CompletedTask;
    private int _connectLoopRunning;
    private volatile ConnectionState _state;
    private volatile bool _stopRequested = true;
    private volatile string? _serverSocketId;
    private volatile bool _disposed;

    public ConnectionLifecycle(IChannelsConnection connection, ChannelsClientOptions options, Uri url, TimeProvider timeProvider, ILogger logger, ConnectionCallbacks callbacks)
    {
        _connection = connection;
        _options = options;
        _url = url;
        _logger = logger;
        _callbacks = callbacks;
        _reconnectPipeline = HubConnectionFactory.BuildReconnectPipeline(options.Reconnect, timeProvider, logger);
        _connection.Closed += OnClosedAsync;
    }

    public ConnectionState State => _state;

    public bool IsDisposed => _disposed;

    /// <summary>The connection id, or the one the server told (<c>GetSocketId</c>); <see langword="null"/> while not connected.</summary>
    public string? SocketId => _state == ConnectionState.Connected ? _connection.ConnectionId ?? _serverSocketId : null;

    public void MarkDisposed() => _disposed = true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
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

    public async Task StopAsync(CancellationToken cancellationToken)
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

            _callbacks.Suspended();
            await _connection.StopAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await loop.WaitAsync(_options.StopTimeout, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Starts connecting with the reconnect policy without waiting.</summary>
    public void StartInBackground()
    {
        if (_state != ConnectionState.Disconnected)
        {
            return;
        }

        _stopRequested = false;
        SetState(ConnectionState.Connecting);
        StartConnectLoop();
    }

    /// <summary>Learns the connection id when negotiation was skipped; a server without <c>GetSocketId</c> only loses toOthers.</summary>
    public Task FetchSocketIdIfNeededAsync() => _connection.ConnectionId is null ? FetchSocketIdAsync() : Task.CompletedTask;

    private async Task OnConnectedAsync()
    {
        _serverSocketId = null;
        SetState(ConnectionState.Connected);
        ChannelsClientLog.Connected(_logger, _url);
        await _callbacks.Connected().ConfigureAwait(false);
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
            ChannelsClientLog.SocketIdFailed(_logger, ex);
        }
    }

    private Task OnClosedAsync(Exception? error)
    {
        _serverSocketId = null;
        _callbacks.Suspended();
        if (_stopRequested || _disposed || !_options.Reconnect.Enabled)
        {
            SetState(ConnectionState.Disconnected, error);
            return Task.CompletedTask;
        }

        ChannelsClientLog.ConnectionLost(_logger, error);
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
                ChannelsClientLog.ReconnectGaveUp(_logger, ex);
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

        _callbacks.StateChanged(new ConnectionStateChangedEventArgs(previous, state, error));
    }
}
