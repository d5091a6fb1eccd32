using System.Diagnostics;
using System.Globalization;

namespace SignalRChannels.LoadTool.Run;

/// <summary>
/// Samples a server process with Linux <c>perf record -g</c> while a trial runs (the server is started with
/// <c>DOTNET_PerfMapEnabled=1</c> so JIT-compiled frames get names). Read the result with
/// <c>perf report -i &lt;file&gt; --no-children --sort symbol</c>.
/// </summary>
internal sealed class PerfRecorder : IAsyncDisposable
{
    private readonly Process _perf;

    private PerfRecorder(Process perf) => _perf = perf;

    public static async Task<PerfRecorder?> StartAsync(int processId, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var start = new ProcessStartInfo("perf")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { "record", "-F", "4999", "-g", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", path })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            var perf = Process.Start(start)!;
            perf.BeginErrorReadLine();
            perf.BeginOutputReadLine();
            // perf creates its output file once it has attached to the process; wait for that, boundedly.
            var attached = Stopwatch.StartNew();
            while (!File.Exists(path) && !perf.HasExited && attached.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20);
            }

            return new PerfRecorder(perf);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("perf is not installed (apt-get install linux-perf); profiling skipped");
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // perf writes its file on SIGINT; Process.Kill would send SIGKILL.
        using (var kill = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _perf.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _perf.Kill();
        }

        _perf.Dispose();
    }
}
