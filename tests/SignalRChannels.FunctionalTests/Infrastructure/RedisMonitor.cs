using System.Net.Sockets;
using System.Text;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// A raw <c>MONITOR</c> connection to the test Redis that keeps the commands mentioning one text (a test's own channel
/// name), so a test can count the Redis traffic its publishes cause on a Redis other tests share.
/// <see cref="StartAsync"/> returns once Redis has made the connection a monitor; <see cref="SettleAsync"/> sends a unique <c>ECHO</c> and waits for it in the feed: Redis feeds monitors in command
/// order, so every command before it has been seen.
/// </summary>
public sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly string _mention;
    private readonly List<string> _lines = [];
    private readonly Task _reading;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _marker;
    private string? _markerText;

    private RedisMonitor(TcpClient tcp, string mention)
    {
        _tcp = tcp;
        _mention = mention;
        _reader = new StreamReader(tcp.GetStream(), Encoding.UTF8);
        _reading = ReadAsync();
    }

    /// <summary>Opens the monitor on the Redis of <paramref name="configuration"/> (its first endpoint).</summary>
    public static async Task<RedisMonitor> StartAsync(string configuration, string mention)
    {
        var endpoint = configuration.Split(',')[0];
        var colon = endpoint.LastIndexOf(':');
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)).DefaultTimeout();
        await tcp.GetStream().WriteAsync("MONITOR\r\n"u8.ToArray()).AsTask().DefaultTimeout();
        var monitor = new RedisMonitor(tcp, mention);

        // Redis answers +OK once the connection is a monitor: commands from then on are in its feed.
        await monitor._started.Task.DefaultTimeout();
        return monitor;
    }

    /// <summary>Waits until every command sent to Redis before this call has reached the feed.</summary>
    public async Task SettleAsync(StackExchange.Redis.IDatabase database)
    {
        var marker = "settle-" + Guid.NewGuid().ToString("N");
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            _markerText = marker;
            _marker = seen;
        }

        await database.ExecuteAsync("ECHO", marker).DefaultTimeout();
        await seen.Task.DefaultTimeout();
    }

    /// <summary>The commands seen so far that mention the text and contain every one of <paramref name="parts"/>.</summary>
    public int Count(params string[] parts)
    {
        lock (_lines)
        {
            return _lines.Count(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
        }
    }

    public void Clear()
    {
        lock (_lines)
        {
            _lines.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // Closed by the dispose above.
        }
    }

    private async Task ReadAsync()
    {
        while (await _reader.ReadLineAsync() is { } line)
        {
            if (line == "+OK")
            {
                _started.TrySetResult();
                continue;
            }

            lock (_lines)
            {
                if (line.Contains(_mention, StringComparison.Ordinal))
                {
                    _lines.Add(line);
                }

                if (_markerText is not null && line.Contains(_markerText, StringComparison.Ordinal))
                {
                    _marker!.TrySetResult();
                }
            }
        }
    }
}
