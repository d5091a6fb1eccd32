namespace SignalRChannels.Client.Tests.Infrastructure;

/// <summary>
/// The Redis the scale-out tests use: <c>REDIS_URL</c> (for example <c>127.0.0.1:6379</c>). Without it they fail, never
/// skip, saying how to start one. Tests isolate themselves with <see cref="NewPrefix"/>.
/// </summary>
public static class TestRedis
{
    public static string Configuration
    {
        get
        {
            var url = Environment.GetEnvironmentVariable("REDIS_URL");
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new InvalidOperationException(
                    "REDIS_URL is not set. Start Redis: redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no "
                    + "&& export REDIS_URL=127.0.0.1:6379 (on Debian: apt-get install -y redis-server).");
            }

            return url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? url["redis://".Length..].TrimEnd('/') : url;
        }
    }

    public static string NewPrefix() => "ctest-" + Guid.NewGuid().ToString("N")[..12];
}
