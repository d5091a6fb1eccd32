using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace SignalRChannels.Diagnostics;

/// <summary>
/// Wraps a connection's transport so every byte read and written, and every flush, is counted in its
/// <see cref="ConnectionTraffic"/>, which is then found in the connection's features (the hub caller's too).
/// </summary>
internal static class CountingTransport
{
    public static void Wrap(ConnectionContext connection, ConnectionTraffic traffic)
    {
        connection.Transport = new DuplexPipe(new Reader(connection.Transport.Input, traffic), new Writer(connection.Transport.Output, traffic));
        connection.Features.Set(traffic);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Counts what the reader of the transport consumes (the part of the last buffer before the consumed position).</summary>
    private sealed class Reader(PipeReader inner, ConnectionTraffic traffic) : PipeReader
    {
        private ReadOnlySequence<byte> _last;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            _last = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            _last = result.Buffer;
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed)
        {
            Count(consumed);
            inner.AdvanceTo(consumed);
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            Count(consumed);
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        private void Count(SequencePosition consumed)
        {
            var length = _last.Slice(_last.Start, consumed).Length;
            _last = default;
            if (length > 0)
            {
                traffic.Received(length);
            }
        }
    }

    private sealed class Writer(PipeWriter inner, ConnectionTraffic traffic) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            traffic.Sent(bytes);
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            traffic.Flushed();
            return inner.FlushAsync(cancellationToken);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            // SignalR's write of a cached message; a batch of channel events is one write of several messages.
            traffic.Sent(source.Length);
            traffic.Flushed(Internal.EventBatch.MessagesIn(source));
            return inner.WriteAsync(source, cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
