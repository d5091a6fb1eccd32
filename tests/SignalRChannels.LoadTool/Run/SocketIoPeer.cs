using System.Diagnostics;

namespace SignalRChannels.LoadTool.Run;

/// <summary>
/// Finds the Socket.IO peer (<c>tests/socketio-peer/server.mjs</c>, a workspace package of the repository's root
/// <c>package.json</c>) and says why it cannot run when node or its npm packages are missing.
/// </summary>
internal static class SocketIoPeer
{
    private const string Folder = "tests/socketio-peer";
    private static readonly Lazy<(string? Directory, string? Unavailable)> s_located = new(Locate);

    /// <summary>Null when the peer can start; otherwise the reason it cannot.</summary>
    public static string? Unavailable => s_located.Value.Unavailable;

    public static ProcessStartInfo StartInfo()
    {
        var directory = s_located.Value.Directory ?? throw new InvalidOperationException("the Socket.IO peer is unavailable: " + Unavailable);
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory };
        start.ArgumentList.Add("--expose-gc");
        start.ArgumentList.Add(Path.Combine(directory, "server.mjs"));
        return start;
    }

    private static (string?, string?) Locate()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, Folder, "server.mjs")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            return (null, $"{Folder}/server.mjs not found above {AppContext.BaseDirectory}");
        }

        var peer = Path.Combine(directory.FullName, Folder);
        var check = new ProcessStartInfo("node")
        {
            WorkingDirectory = peer,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        check.ArgumentList.Add("-e");
        check.ArgumentList.Add("for (const m of ['socket.io', '@socket.io/redis-adapter', 'redis']) require.resolve(m)");
        try
        {
            using var process = Process.Start(check)!;
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                return (null, "node did not answer within 30 s");
            }

            return process.ExitCode == 0
                ? (peer, null)
                : (null, "its npm packages are not installed (run `npm ci` at the repository root): " +
                    error.Result.Split('\n').FirstOrDefault(l => l.Contains("Cannot find module", StringComparison.Ordinal))?.Trim());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, "node is not on the PATH: " + ex.Message);
        }
    }
}
