using System.Diagnostics;
using Xunit;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>The test server (tests/SignalRChannels.TestServer) as a child process.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <param name="redis">The Redis configuration.</param>
    /// <param name="prefix">The key prefix.</param>
    /// <param name="heartbeatMs">The presence heartbeat interval.</param>
    /// <param name="timeoutMs">The presence member timeout.</param>
    /// <param name="arguments">More command-line arguments (for example <c>--webhook-url</c>).</param>
    public static async Task<ServerProcess> StartAsync(string redis, string prefix, int heartbeatMs, int timeoutMs, params string[] arguments)
    {
        var dll = Path.Combine(
            AppContext.BaseDirectory.Replace("SignalRChannels.FunctionalTests", "SignalRChannels.TestServer", StringComparison.Ordinal),
            "SignalRChannels.TestServer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; build tests/SignalRChannels.TestServer");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", "http://127.0.0.1:0", "--redis", redis, "--prefix", prefix,
                "--presence-heartbeat-ms", heartbeatMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--presence-timeout-ms", timeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            const string marker = "Now listening on: ";
            if (e.Data?.IndexOf(marker, StringComparison.Ordinal) is >= 0 and var at)
            {
                listening.TrySetResult(new Uri(e.Data[(at + marker.Length)..].Trim()));
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The test server exited before listening."));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    public async Task PublishAsync(string channel, string eventName)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var response = await http.PostAsync($"/publish/{channel}/{eventName}", new StringContent("null", System.Text.Encoding.UTF8, "application/json")).DefaultTimeout();
        response.EnsureSuccessStatusCode();
    }

    /// <summary>SIGKILL: no graceful shutdown, no presence cleanup.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
