using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace SignalRChannels.Testing;

/// <summary>
/// A <c>redis-server</c> process of the test's own, on its own port (never the shared one other suites use), that the
/// test kills (SIGKILL) and restarts. With <c>persistent</c>, it keeps an append-only file fsynced on every write, so a
/// restart comes back with the data, as a production Redis with AOF does.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly string _directory = Directory.CreateTempSubdirectory("redis-test-").FullName;
    private readonly bool _persistent;
    private Process? _process;

    private RedisProcess(int port, bool persistent)
    {
        Port = port;
        _persistent = persistent;
    }

    public int Port { get; }

    /// <summary>A configuration string for this server with short timeouts, so commands fail fast while it is down.</summary>
    public string Configuration => $"127.0.0.1:{Port},connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    public static async Task<RedisProcess> StartAsync(bool persistent = true)
    {
        var redis = new RedisProcess(FreePort(), persistent);
        await redis.RestartAsync();
        return redis;
    }

    /// <summary>Starts the process (again, on the same port and data directory) and waits until it answers PING (its data loaded).</summary>
    public async Task RestartAsync()
    {
        var arguments = $"--port {Port} --bind 127.0.0.1 --save \"\" --dir {_directory} --logfile {Path.Combine(_directory, "redis.log")}"
            + (_persistent ? " --appendonly yes --appendfsync always" : " --appendonly no");
        _process = Process.Start(new ProcessStartInfo("redis-server", arguments) { UseShellExecute = false })
            ?? throw new InvalidOperationException("redis-server did not start; install it (apt-get install -y redis-server).");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500,abortConnect=true");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Yield();
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("LOADING", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                // Replaying a large append-only file: ready once loaded.
                await Task.Yield();
            }
        }
    }

    /// <summary>SIGKILLs the server: no shutdown, no final save.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().DefaultTimeout();
        }
    }

    /// <summary>
    /// SIGSTOPs the server: its connections stay open and take commands into their socket buffers, but nothing is
    /// answered until <see cref="Resume"/> — a Redis that hangs, as under a long fork or a stalled host.
    /// </summary>
    public void Pause() => Signal(SigStop);

    /// <summary>SIGCONTs a paused server: it answers, in order, what it took meanwhile.</summary>
    public void Resume() => Signal(SigCont);

    public async ValueTask DisposeAsync()
    {
        Resume();
        await KillAsync();
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Signal(int signal)
    {
        if (_process is { HasExited: false } process && SendSignal(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
