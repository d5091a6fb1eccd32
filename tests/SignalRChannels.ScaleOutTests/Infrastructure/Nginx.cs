using System.Globalization;
using System.Text;

namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>How to start <see cref="Nginx"/>.</summary>
public sealed record NginxOptions
{
    /// <summary>Pin each client address to one node (<c>ip_hash</c>): the sticky sessions negotiated transports need.</summary>
    public bool IpHash { get; init; }

    /// <summary>Terminate TLS with this certificate (clients use https/wss; the nodes stay plain HTTP).</summary>
    public TestCertificates? Tls { get; init; }
}

/// <summary>
/// A real nginx (the Debian package's binary) load-balancing a set of nodes: its own configuration and prefix in a
/// temporary directory, one worker (so round robin is strictly in turn), on a free loopback port, in the foreground
/// so that disposing kills it. Never the system service. The configuration (nginx.conf.template, shared with the
/// TypeScript tests) is the one docs/scaleout.md shows.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;

    private Nginx(ChildProcess process, string directory, Uri baseAddress, string configuration)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
        Configuration = configuration;
    }

    public Uri BaseAddress { get; }

    public Uri HubUrl => new(BaseAddress, "/hubs/test");

    public string Configuration { get; }

    public static string Binary =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed: apt-get install -y nginx (./test.sh installs it).");

    public static async Task<Nginx> StartAsync(IEnumerable<ServerNode> nodes, NginxOptions? options = null)
    {
        options ??= new NginxOptions();
        var directory = Path.Combine(Path.GetTempPath(), "scaleout-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        var port = FreePort.Next();
        var configuration = Render(directory, port, nodes.Select(n => n.Port), options);
        var configurationFile = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configurationFile, configuration);

        var process = ChildProcess.Start(
            "nginx",
            Binary,
            ["-p", directory, "-c", configurationFile, "-e", Path.Combine(directory, "error.log"), "-g", "daemon off;"],
            directory);
        try
        {
            await Poll.UntilAsync(async () => process.HasExited || await FreePort.IsListeningAsync(port), "nginx listens");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited: {process.Output}\n{ReadErrorLog(directory)}");
            }

            var scheme = options.Tls is null ? "http" : "https";
            return new Nginx(process, directory, new Uri($"{scheme}://127.0.0.1:{port}"), configuration);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public string ErrorLog => ReadErrorLog(_directory);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string ReadErrorLog(string directory)
    {
        var file = Path.Combine(directory, "error.log");
        return File.Exists(file) ? File.ReadAllText(file) : string.Empty;
    }

    private static string Render(string directory, int port, IEnumerable<int> nodePorts, NginxOptions options)
    {
        var servers = new StringBuilder();
        foreach (var nodePort in nodePorts)
        {
            servers.Append(CultureInfo.InvariantCulture, $"        server 127.0.0.1:{nodePort} max_fails=1 fail_timeout=10s;\n");
        }

        var listen = options.Tls is { } tls
            ? $"        listen 127.0.0.1:{port} ssl;\n        ssl_certificate {tls.ServerCertificateFile};\n"
                + $"        ssl_certificate_key {tls.ServerKeyFile};\n        ssl_protocols TLSv1.2 TLSv1.3;"
            : $"        listen 127.0.0.1:{port};";

        // Root would hand the worker to "nobody", who cannot write the temporary directories here.
        var user = Environment.UserName == "root" ? "user root;" : string.Empty;
        return File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "nginx.conf.template"))
            .Replace("{{USER}}", user, StringComparison.Ordinal)
            .Replace("{{DIR}}", directory, StringComparison.Ordinal)
            .Replace("{{BALANCING}}", options.IpHash ? "ip_hash;" : "# round robin, no affinity", StringComparison.Ordinal)
            .Replace("{{SERVERS}}", servers.ToString().TrimEnd('\n'), StringComparison.Ordinal)
            .Replace("{{LISTEN}}", listen, StringComparison.Ordinal);
    }
}
