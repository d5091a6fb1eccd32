using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using SignalRChannels.LoadTool.Serve;

namespace SignalRChannels.LoadTool.Run;

/// <summary>
/// A server under test: this tool started again as <c>serve &lt;kind&gt;</c> in a child process, so its CPU time
/// and memory are its own. Stopped by closing its standard input (killed if it does not stop).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        _http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
    }

    public Uri BaseUri { get; }

    public int ProcessId => _process.Id;

    public static async Task<ServerProcess> StartAsync(ServerKind kind, string? redis, string prefix, LoadOptions options, CancellationToken cancellationToken)
    {
        var start = kind == ServerKind.SocketIo ? SocketIoPeer.StartInfo() : new ProcessStartInfo(Environment.ProcessPath!);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        if (kind != ServerKind.SocketIo)
        {
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
            }

            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(kind.ToString().ToLowerInvariant());
        }

        start.ArgumentList.Add("--prefix");
        start.ArgumentList.Add(prefix);

        if (redis is not null)
        {
            start.ArgumentList.Add("--redis");
            start.ArgumentList.Add(redis);
        }

        // Servers run as a web app would: server GC (the Web SDK's default), which this console project does not set.
        start.Environment["DOTNET_gcServer"] = options.ServerGc ? "1" : "0";
        if (options.PerfDirectory is not null)
        {
            // Names for JIT-compiled frames (perf-<pid>.map, which perf reads only for code outside W^X's double
            // mapping), and the GC in its own library so that GC time shows apart from the rest of the runtime.
            start.Environment["DOTNET_PerfMapEnabled"] = "1";
            start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
            if (File.Exists(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libclrgc.so")))
            {
                start.Environment["DOTNET_GCName"] = "libclrgc.so";
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a server process");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"[{kind} {process.Id}] {line}");
            }
        };
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(LoadWire.ReadyLine, StringComparison.Ordinal))
                {
                    var server = new ServerProcess(process, new Uri(line[LoadWire.ReadyLine.Length..].Trim()));
                    _ = DrainAsync(process.StandardOutput);
                    return server;
                }
            }

            throw new InvalidOperationException($"the {kind} server exited before it was ready");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    private static async Task DrainAsync(StreamReader output)
    {
        while (await output.ReadLineAsync() is not null)
        {
        }
    }

    public Uri HubUri(string? query = null) => WebSocketUri(LoadWire.HubPath, query);

    public Uri PusherUri() => WebSocketUri("/app/" + LoadWire.PusherKey, "protocol=7&client=js&version=8.4.0");

    public Uri SocketIoUri() => WebSocketUri("/socket.io/", "EIO=4&transport=websocket");

    public Uri RawUri(string groups) => WebSocketUri(LoadWire.RawPath, "groups=" + Uri.EscapeDataString(groups));

    private Uri WebSocketUri(string path, string? query) =>
        new UriBuilder(BaseUri) { Scheme = "ws", Path = path, Query = query ?? "" }.Uri;

    /// <summary>User plus system CPU time the server process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public async Task<PublishReport> PublishAsync(string prefix, int channels, int count, int size, int rate, int concurrency, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"/load/publish?prefix={Uri.EscapeDataString(prefix)}&channels={channels}&count={count}&size={size}&rate={rate}&concurrency={concurrency}");
        using var response = await _http.PostAsync(query, null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PublishReport>(cancellationToken))!;
    }

    public async Task<MemoryReport> MemoryAsync(CancellationToken cancellationToken) =>
        (await _http.GetFromJsonAsync<MemoryReport>("/load/memory", cancellationToken))!;

    public async Task<SeedReport> SeedPresenceAsync(string channel, int count, string idPrefix, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"/load/presence/seed?channel={Uri.EscapeDataString(channel)}&count={count}&idPrefix={Uri.EscapeDataString(idPrefix)}");
        using var response = await _http.PostAsync(query, null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SeedReport>(cancellationToken))!;
    }

    public async Task<QueryReport> QueryAsync(string op, string? channel, int repeat, CancellationToken cancellationToken) =>
        (await _http.GetFromJsonAsync<QueryReport>(
            string.Create(CultureInfo.InvariantCulture, $"/load/query?op={op}&channel={Uri.EscapeDataString(channel ?? "")}&repeat={repeat}"),
            cancellationToken))!;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
