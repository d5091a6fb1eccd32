using System.Diagnostics;
using SignalRChannels.LoadTool.Clients;
using SignalRChannels.LoadTool.Serve;

namespace SignalRChannels.LoadTool.Run;

/// <summary>One system being measured: its server node(s) and the clients connected to them.</summary>
internal sealed class SystemUnderTest : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ILoadClient> _clients = [];
    private Task _pinging = Task.CompletedTask;

    private SystemUnderTest(string label, ServerKind kind, IReadOnlyList<ServerProcess> nodes)
    {
        Label = label;
        Kind = kind;
        Nodes = nodes;
    }

    public string Label { get; }

    public ServerKind Kind { get; }

    public IReadOnlyList<ServerProcess> Nodes { get; }

    public IReadOnlyList<ILoadClient> Clients => _clients;

    public static async Task<SystemUnderTest> StartAsync(
        string label, ServerKind kind, int nodes, string? redis, string prefix, LoadOptions options, CancellationToken cancellationToken)
    {
        var started = new List<ServerProcess>();
        try
        {
            // Sequentially: on 2 cores, parallel JIT start-up of several servers is no faster.
            for (var i = 0; i < nodes; i++)
            {
                started.Add(await ServerProcess.StartAsync(kind, redis, prefix, options, cancellationToken));
            }
        }
        catch
        {
            foreach (var node in started)
            {
                await node.DisposeAsync();
            }

            throw;
        }

        var system = new SystemUnderTest(label, kind, started);
        system._pinging = system.PingLoopAsync();
        if (kind is not (ServerKind.Raw or ServerKind.SocketIo))
        {
            // One connection per node before any burst, and one call on it (calls run after OnConnectedAsync): the
            // channels server creates its subscription engine on the first connection, and with Redis that does a
            // blocking SUBSCRIBE that a burst of concurrent first connections turns into thread-pool starvation and
            // RedisTimeoutException (reported in docs/performance.md).
            foreach (var node in started)
            {
                await using var first = await LightClient.ConnectAsync(node.HubUri(), -1, hubProtocol: true, cancellationToken);
                await first.SubscribeAsync("warmup", cancellationToken);
            }
        }

        return system;
    }

    /// <summary>Server CPU time, all nodes together.</summary>
    public TimeSpan CpuTime => Nodes.Aggregate(TimeSpan.Zero, (sum, node) => sum + node.CpuTime);

    /// <summary>
    /// Connects <paramref name="count"/> clients, spread over the nodes round-robin, and subscribes each to its channels.
    /// Returns the time each <c>Subscribe</c> took.
    /// </summary>
    public async Task<List<TimeSpan>> ConnectAsync(
        int count,
        Func<int, string[]> channelsOf,
        CancellationToken cancellationToken,
        bool official = false,
        bool pusher = false,
        Func<int, string?>? userOf = null,
        Func<int, int>? nodeOf = null,
        int parallelism = 32)
    {
        var first = _clients.Count;
        var connected = new ILoadClient?[count];
        var subscribeTimes = new List<TimeSpan>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var index = first + i;
            var node = Nodes[(nodeOf?.Invoke(index) ?? index) % Nodes.Count];
            var channels = channelsOf(index);
            var user = userOf?.Invoke(index);
            var query = user is null ? null : "user=" + Uri.EscapeDataString(user);
            ILoadClient client = Kind switch
            {
                ServerKind.Raw => await LightClient.ConnectAsync(node.RawUri(string.Join(',', channels)), index, hubProtocol: false, ct),
                ServerKind.SocketIo => await SocketIoLightClient.ConnectAsync(node.SocketIoUri(), index, ct),
                _ when pusher => await PusherLightClient.ConnectAsync(node.PusherUri(), index, ct),
                _ => official
                    ? await OfficialClient.ConnectAsync(node.HubUri(query), index, ct)
                    : await LightClient.ConnectAsync(node.HubUri(query), index, hubProtocol: true, ct),
            };
            connected[i] = client;
            if (Kind != ServerKind.Raw)
            {
                foreach (var channel in channels)
                {
                    var took = await client.SubscribeAsync(channel, ct);
                    lock (subscribeTimes)
                    {
                        subscribeTimes.Add(took);
                    }
                }
            }
        });
        lock (_clients)
        {
            _clients.AddRange(connected.Select(c => c!));
        }

        return subscribeTimes;
    }

    /// <summary>
    /// Publishes a burst (paced at <paramref name="rate"/> events/s, or as fast as accepted when 0) from node <paramref name="publishNode"/> and waits (bounded) until every expected delivery has
    /// arrived at this system's clients: throughput, server CPU per delivery, latency and loss of one trial.
    /// </summary>
    public async Task<TrialResult> TrialAsync(
        string label,
        string prefix,
        int channels,
        int events,
        long expected,
        int concurrency,
        int rate,
        LoadOptions options,
        CancellationToken cancellationToken,
        string? perfPath = null,
        int publishNode = 0)
    {
        var started = LoadWire.Now();
        var recorder = new DeliveryRecorder(_clients.Count, expected, started);
        foreach (var client in _clients)
        {
            client.Sink = recorder;
        }

        await using var perf = perfPath is null ? null : await PerfRecorder.StartAsync(Nodes[publishNode].ProcessId, perfPath);
        var serverCpu = CpuTime;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        try
        {
            started = LoadWire.Now();
            var publish = await Nodes[publishNode].PublishAsync(prefix, channels, events, options.Size, rate, concurrency, cancellationToken);
            var drain = TimeSpan.FromSeconds(Math.Max(5, publish.ElapsedMs / 1000 * 2));
            try
            {
                await recorder.Complete.WaitAsync(drain, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Reported as loss.
            }

            var received = recorder.Received;
            var ended = received == expected ? recorder.LastReceivedAt : LoadWire.Now();
            var seconds = LoadWire.TicksToMilliseconds(Math.Max(1, ended - started)) / 1000;
            return new TrialResult(
                label,
                expected,
                received,
                publish.Published,
                seconds,
                CpuTime - serverCpu,
                Process.GetCurrentProcess().TotalProcessorTime - clientCpu,
                recorder.Latency());
        }
        finally
        {
            foreach (var client in _clients)
            {
                client.Sink = null;
            }
        }
    }

    private async Task PingLoopAsync()
    {
        // SignalR closes a connection it has not heard from for 30 s; the light clients only listen, so they ping.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                ILoadClient[] clients;
                lock (_clients)
                {
                    clients = [.. _clients];
                }

                foreach (var client in clients.OfType<LightClient>())
                {
                    try
                    {
                        await client.PingAsync(_stop.Token);
                    }
                    catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException)
                    {
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task CloseClientsAsync()
    {
        ILoadClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
            _clients.Clear();
        }

        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, (client, _) => client.DisposeAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pinging;
        await CloseClientsAsync();
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        _stop.Dispose();
    }
}

/// <summary>One measured burst.</summary>
internal sealed record TrialResult(
    string Label,
    long Expected,
    long Received,
    long Published,
    double Seconds,
    TimeSpan ServerCpu,
    TimeSpan ClientCpu,
    LatencySummary Latency)
{
    public double DeliveriesPerSecond => Received / Seconds;

    public double PublishesPerSecond => Published / Seconds;

    public double ServerCpuMicrosecondsPerDelivery => ServerCpu.TotalMicroseconds / Math.Max(1, Received);

    public double ServerCores => ServerCpu.TotalSeconds / Seconds;

    public double ClientCores => ClientCpu.TotalSeconds / Seconds;

    public long Lost => Expected - Received;
}

/// <summary>
/// Several rounds of one system folded into one row: the median of each measure across rounds (so one disturbed
/// round on a shared machine does not decide a column), the worst maximum latency and the total loss.
/// </summary>
internal sealed record TrialSummary(
    string Label,
    double DeliveriesPerSecond,
    double PublishesPerSecond,
    double ServerCpuMicrosecondsPerDelivery,
    double ServerCores,
    double ClientCores,
    LatencySummary Latency,
    long Lost)
{
    /// <summary>The median of the values that are numbers; NaN when none is.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static TrialSummary Of(IReadOnlyList<TrialResult> trials)
    {
        return new TrialSummary(
            trials[0].Label,
            Median(trials.Select(t => t.DeliveriesPerSecond)),
            Median(trials.Select(t => t.PublishesPerSecond)),
            Median(trials.Select(t => t.ServerCpuMicrosecondsPerDelivery)),
            Median(trials.Select(t => t.ServerCores)),
            Median(trials.Select(t => t.ClientCores)),
            new LatencySummary(
                trials.Sum(t => t.Latency.Count),
                Median(trials.Select(t => t.Latency.P50)),
                Median(trials.Select(t => t.Latency.P99)),
                trials.Max(t => t.Latency.Max)),
            trials.Sum(t => t.Lost));
    }
}
