using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace SignalRChannels.Testing;

/// <summary>
/// A real Redis Cluster of three masters and no replicas, the test process's own: three <c>redis-server
/// --cluster-enabled yes</c> processes on free loopback ports in a temporary directory, joined with <c>redis-cli
/// --cluster create</c> (slots 0–5460, 5461–10922, 10923–16383). The owner (a test fixture) disposes it, which kills
/// the processes and deletes the directory.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("redis-cluster-").FullName;
    private readonly List<Process> _processes = [];

    private readonly int[] _busPorts;

    private RedisCluster(int[] ports)
    {
        Ports = ports[..3];
        _busPorts = ports[3..];
    }

    /// <summary>The masters' client ports.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>A StackExchange.Redis configuration string listing every master, as an app would configure a cluster.</summary>
    public string Configuration => string.Join(",", Ports.Select(p => $"127.0.0.1:{p}"));

    /// <summary>Starts a cluster and waits until every master reports <c>cluster_state:ok</c>.</summary>
    public static async Task<RedisCluster> StartAsync()
    {
        var cluster = new RedisCluster(FreePorts(6));
        try
        {
            await cluster.StartProcessesAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection to the cluster of the caller's own; the caller disposes it.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration);

    /// <summary>
    /// A fresh key prefix for which the given keys land on as many different masters as there are keys (at most three),
    /// so that a command or script that touches two of them fails with <c>CROSSSLOT</c> instead of passing by luck.
    /// </summary>
    /// <param name="redis">A connection to this cluster (it knows the slot map).</param>
    /// <param name="kind">The start of the prefix, as <see cref="TestRedis.NewPrefix"/>.</param>
    /// <param name="keys">Builds each key from a candidate prefix (a key may ignore it, for example a channel's hash tag).</param>
    public static string SpreadPrefix(IConnectionMultiplexer redis, string kind, params Func<string, RedisKey>[] keys)
    {
        var database = redis.GetDatabase();
        var wanted = Math.Min(keys.Length, 3);
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var prefix = TestRedis.NewPrefix(kind);
            var masters = keys.Select(k => database.IdentifyEndpoint(k(prefix))?.ToString()).Distinct().Count();
            if (masters >= wanted)
            {
                return prefix;
            }
        }

        throw new InvalidOperationException("No prefix spreads the keys over the cluster's masters; is the connection to a cluster?");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            process.Dispose();
        }

        _processes.Clear();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartProcessesAsync()
    {
        // Cluster bus ports are chosen too (cluster-port, Redis 7), rather than the default port + 10000, which may be taken.
        for (var i = 0; i < Ports.Count; i++)
        {
            var port = Ports[i];
            var arguments = $"--port {port} --bind 127.0.0.1 --cluster-enabled yes --cluster-port {_busPorts[i]} "
                + $"--cluster-config-file nodes-{port}.conf --cluster-node-timeout 5000 --save \"\" --appendonly no "
                + $"--dir {_directory} --logfile {Path.Combine(_directory, $"redis-{port}.log")}";
            _processes.Add(Process.Start(new ProcessStartInfo("redis-server", arguments) { UseShellExecute = false })
                ?? throw new InvalidOperationException("redis-server did not start; install it (apt-get install -y redis-server)."));
        }

        foreach (var port in Ports)
        {
            await WaitUntilAsync(port, async server => await server.PingAsync() >= TimeSpan.Zero, "answers PING");
        }

        var create = new ProcessStartInfo("redis-cli")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        create.ArgumentList.Add("--cluster");
        create.ArgumentList.Add("create");
        foreach (var port in Ports)
        {
            create.ArgumentList.Add($"127.0.0.1:{port}");
        }

        create.ArgumentList.Add("--cluster-replicas");
        create.ArgumentList.Add("0");
        create.ArgumentList.Add("--cluster-yes");
        using (var cli = Process.Start(create) ?? throw new InvalidOperationException("redis-cli did not start; install it (apt-get install -y redis-tools)."))
        {
            var output = cli.StandardOutput.ReadToEndAsync();
            var error = cli.StandardError.ReadToEndAsync();
            await cli.WaitForExitAsync().WaitAsync(s_startTimeout);
            if (cli.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed ({cli.ExitCode}): {await output}{await error}");
            }
        }

        foreach (var port in Ports)
        {
            await WaitUntilAsync(
                port,
                async server => ((string?)await server.ExecuteAsync("CLUSTER", "INFO"))?.Contains("cluster_state:ok", StringComparison.Ordinal) == true,
                "reports cluster_state:ok");
        }
    }

    /// <summary>Asks one master (on a direct, non-cluster connection) until the condition holds.</summary>
    private static async Task WaitUntilAsync(int port, Func<IServer, Task<bool>> condition, string description)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=500,abortConnect=true,allowAdmin=true");
                if (await condition(probe.GetServer(probe.GetEndPoints()[0])))
                {
                    return;
                }
            }
            catch (RedisConnectionException) when (deadline.Elapsed < s_startTimeout)
            {
            }

            if (deadline.Elapsed > s_startTimeout)
            {
                throw new TimeoutException($"Redis Cluster node 127.0.0.1:{port} never {description}.");
            }

            // Cluster state spreads by gossip; nothing signals it, so ask again shortly.
            await Task.Delay(50);
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
