using System.Globalization;

namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>
/// A redis-server of the test's own that speaks TLS only (<c>--port 0 --tls-port</c>), with a certificate from
/// <see cref="TestCertificates"/>. Clients connect with <c>ssl=true</c> and trust the test CA.
/// </summary>
public sealed class TlsRedis : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private TlsRedis(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string: TLS on, the host name checked against the certificate.</summary>
    public string Configuration => $"127.0.0.1:{Port},ssl=true";

    public static async Task<TlsRedis> StartAsync(TestCertificates certificates)
    {
        var port = FreePort.Next();
        var process = ChildProcess.Start("redis-server (TLS)", "redis-server",
        [
            "--port", "0", "--tls-port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--tls-cert-file", certificates.ServerCertificateFile, "--tls-key-file", certificates.ServerKeyFile,
            "--tls-ca-cert-file", certificates.AuthorityFile, "--tls-auth-clients", "no",
            "--save", "", "--appendonly", "no", "--logfile", "",
        ]);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
            return new TlsRedis(process, port);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
