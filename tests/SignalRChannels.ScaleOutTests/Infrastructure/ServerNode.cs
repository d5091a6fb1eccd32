using System.Globalization;
using System.Net.Http.Json;

namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>How to start a <see cref="ServerNode"/>.</summary>
public sealed record ServerNodeOptions
{
    /// <summary>The Redis configuration; nodes with the same <see cref="Prefix"/> form one cluster. Null: in-memory node.</summary>
    public string? Redis { get; init; }

    public string? Prefix { get; init; }

    /// <summary>The CA the node trusts for Redis over TLS (with <c>ssl=true</c> in <see cref="Redis"/>).</summary>
    public string? RedisAuthorityFile { get; init; }

    /// <summary>Serve https:// with this certificate instead of http://.</summary>
    public TestCertificates? Https { get; init; }

    public int? MaxConnections { get; init; }

    /// <summary>Hand presence over and refuse new connections on shutdown (<c>AddGracefulDrain</c>).</summary>
    public bool GracefulDrain { get; init; }

    /// <summary>Serve the Pusher protocol too (<c>/app/test-key</c>, app id 1).</summary>
    public bool Pusher { get; init; }

    public int? PresenceHeartbeatMs { get; init; }

    public int? PresenceTimeoutMs { get; init; }

    /// <summary>Queued broadcasting (<c>--queue</c>) with this lease time of queue partitions; null: no queue.</summary>
    public int? QueueLeaseMs { get; init; }

    public int? MaxRecoveredEvents { get; init; }
}

/// <summary>
/// One server node: tests/SignalRChannels.TestServer as its own process on a free loopback port, named so that a
/// client can ask which node it reached (the hub's <c>Node()</c>).
/// </summary>
public sealed class ServerNode : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServerNode(string name, ChildProcess process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public Uri HubUrl => new(BaseAddress, "/hubs/test");

    public string Output => _process.Output;

    public static async Task<ServerNode> StartAsync(string name, ServerNodeOptions options)
    {
        var dll = Path.Combine(
            AppContext.BaseDirectory.Replace("SignalRChannels.ScaleOutTests", "SignalRChannels.TestServer", StringComparison.Ordinal),
            "SignalRChannels.TestServer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; build tests/SignalRChannels.TestServer");
        var scheme = options.Https is null ? "http" : "https";
        List<string> args = [dll, "--urls", $"{scheme}://127.0.0.1:0", "--node-name", name, "--exit-with-stdin", "true"];
        if (options.Redis is not null)
        {
            args.AddRange(["--redis", options.Redis, "--prefix", options.Prefix ?? TestRedis.NewPrefix("scaleout")]);
        }

        if (options.RedisAuthorityFile is not null)
        {
            args.AddRange(["--redis-ca", options.RedisAuthorityFile]);
        }

        if (options.Https is not null)
        {
            args.AddRange(["--https-cert", options.Https.ServerCertificateFile, "--https-key", options.Https.ServerKeyFile]);
        }

        if (options.GracefulDrain)
        {
            args.AddRange(["--graceful-drain", "true"]);
        }

        if (options.Pusher)
        {
            args.AddRange(["--pusher", "true"]);
        }

        AddNumber(args, "--max-connections", options.MaxConnections);
        AddNumber(args, "--presence-heartbeat-ms", options.PresenceHeartbeatMs);
        AddNumber(args, "--presence-timeout-ms", options.PresenceTimeoutMs);
        AddNumber(args, "--max-recovered-events", options.MaxRecoveredEvents);
        if (options.QueueLeaseMs is { } lease)
        {
            args.AddRange(["--queue", "true"]);
            AddNumber(args, "--queue-lease-ms", lease);
        }

        var process = ChildProcess.Start($"node {name}", "dotnet", args, Path.GetDirectoryName(dll));
        try
        {
            const string marker = "Now listening on: ";
            var line = await process.WaitForLineAsync(l => l.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            var address = new Uri(line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim());
            return new ServerNode(name, process, address);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, no presence clean-up, connections cut.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, then waits for the process to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        await _process.TerminateAsync();
        await _process.WaitForExitAsync(timeout);
    }

    /// <summary>Publishes through the node's HTTP API (<c>POST /publish-many</c>): events <c>{ i }</c> for i = start, start + 1, …</summary>
    public async Task PublishManyAsync(HttpClient http, string channel, string eventName, int count, int start = 1)
    {
        using var response = await http.PostAsync(
            new Uri(BaseAddress, $"/publish-many/{Uri.EscapeDataString(channel)}/{Uri.EscapeDataString(eventName)}/{count}?start={start}"),
            content: null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Queues events <c>{ node, i }</c> through the node's HTTP API (<c>POST /queue-many</c>), stopping at the first one
    /// refused. Throws when the node does not answer.
    /// </summary>
    public async Task<QueueManyResult> QueueManyAsync(HttpClient http, string channel, string eventName, int count, int start, string node)
    {
        using var response = await http.PostAsync(
            new Uri(BaseAddress, $"/queue-many/{Uri.EscapeDataString(channel)}/{Uri.EscapeDataString(eventName)}/{count}?start={start}&node={node}"),
            content: null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<QueueManyResult>())!;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static void AddNumber(List<string> args, string name, int? value)
    {
        if (value is { } number)
        {
            args.AddRange([name, number.ToString(CultureInfo.InvariantCulture)]);
        }
    }
}
