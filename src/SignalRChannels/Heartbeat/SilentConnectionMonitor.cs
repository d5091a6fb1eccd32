using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Heartbeat;

/// <summary>
/// Closes channel connections that send nothing at all for <see cref="ChannelsOptions.ClientSilenceTimeout"/>.
/// SignalR times a client out only once it has sent its first ping, so a stuck or hostile client that never pings
/// would otherwise hold its subscriptions and presence forever. Every byte the client sends counts (pings,
/// invocations, the handshake); checking costs one pass over this node's connections per quarter of the timeout.
/// </summary>
internal sealed class SilentConnectionMonitor(IOptions<ChannelsOptions> options, TimeProvider timeProvider) : BackgroundService
{
    private readonly ConcurrentDictionary<ConnectionContext, ActivityReader> _connections = new();
    private readonly TimeSpan _timeout = options.Value.ClientSilenceTimeout;

    /// <summary>Watches a connection's incoming bytes until <see cref="Forget"/>.</summary>
    public void Watch(ConnectionContext connection)
    {
        var reader = new ActivityReader(connection.Transport.Input, timeProvider);
        connection.Transport = new DuplexPipe(reader, connection.Transport.Output);
        _connections[connection] = reader;
    }

    public void Forget(ConnectionContext connection) => _connections.TryRemove(connection, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_timeout / 4, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var (connection, reader) in _connections)
            {
                if (timeProvider.GetElapsedTime(reader.LastActivity) > _timeout)
                {
                    _connections.TryRemove(connection, out _);
                    connection.Abort(new ConnectionAbortedException("The client sent nothing, not even a ping, within the silence timeout."));
                }
            }
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>The transport's reader, noting when bytes last arrived.</summary>
    private sealed class ActivityReader(PipeReader inner, TimeProvider timeProvider) : PipeReader
    {
        private long _lastActivity = timeProvider.GetTimestamp();

        public long LastActivity => Volatile.Read(ref _lastActivity);

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            Note(result);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            Note(result);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private void Note(ReadResult result)
        {
            if (!result.Buffer.IsEmpty)
            {
                Volatile.Write(ref _lastActivity, timeProvider.GetTimestamp());
            }
        }
    }
}
