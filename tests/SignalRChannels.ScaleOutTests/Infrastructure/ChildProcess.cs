using System.Diagnostics;
using System.Text;

namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>
/// A process a test starts (a server node, nginx, redis-server): its output is kept for failure messages, it can wait
/// for a line, and it is killed with its children when disposed, so no test leaves a process behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child.OnExited();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Resolves with the first output line (past or future) that <paramref name="match"/> accepts; fails if the process exits first.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var past = _output.ToString().Split('\n').FirstOrDefault(l => match(l));
            if (past is not null)
            {
                return Task.FromResult(past);
            }

            if (_process.HasExited)
            {
                return Task.FromException<string>(Exited());
            }

            _waiters.Add((match, seen));
        }

        return WaitAsync(seen.Task, timeout);
    }

    private async Task<string> WaitAsync(Task<string> seen, TimeSpan timeout)
    {
        try
        {
            return await seen.WaitAsync(timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{Name} did not print the expected line within {timeout.TotalSeconds} s. Output:\n{Output}", ex);
        }
    }

    /// <summary>SIGKILL, no shutdown of any kind: as a crashed machine. (The whole tree only on disposal: walking it takes time.)</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM: what an orchestrator sends to stop a node gracefully.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (_output)
        {
            _output.Append(line).Append('\n');
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    matched.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        matched.ForEach(m => m.TrySetResult(line));
    }

    private void OnExited()
    {
        List<TaskCompletionSource<string>> waiting;
        lock (_output)
        {
            waiting = [.. _waiters.Select(w => w.Seen)];
            _waiters.Clear();
        }

        waiting.ForEach(w => w.TrySetException(Exited()));
    }

    private InvalidOperationException Exited() => new($"{Name} exited. Output:\n{Output}");
}
