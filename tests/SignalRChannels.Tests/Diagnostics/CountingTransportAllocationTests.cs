using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using SignalRChannels.Diagnostics;

namespace SignalRChannels.Tests.Diagnostics;

/// <summary>
/// What this project adds to every delivery is the counting wrapper around each connection's transport: SignalR
/// writes each recipient's copy through it. It must allocate nothing per write (#21: zero allocations per recipient on
/// the paths this project owns; SignalR's own per-recipient allocations are reported in docs/performance.md).
/// </summary>
public sealed class CountingTransportAllocationTests
{
    private static readonly byte[] s_frame = new byte[180];

    [Fact]
    public async Task Write_ThroughTheCountingWrapper_AllocatesNothingPerWrite()
    {
        var (connection, toClient, traffic) = Connect();
        var output = connection.Transport.Output;
        for (var i = 0; i < 100; i++)
        {
            await WriteAndDrainAsync(output, toClient.Reader); // warm up: the pipe's segment and buffer, the JIT's tiers
        }

        const int Writes = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Writes; i++)
        {
            await WriteAndDrainAsync(output, toClient.Reader);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal((Writes + 100L) * s_frame.Length, traffic.BytesSent);
        Assert.Equal(Writes + 100L, traffic.MessagesSent);
    }

    [Fact]
    public async Task WriteThenFlush_ThroughTheCountingWrapper_AllocatesNothingPerWrite()
    {
        var (connection, toClient, traffic) = Connect();
        var output = connection.Transport.Output;
        async ValueTask WriteAsync()
        {
            s_frame.CopyTo(output.GetSpan(s_frame.Length));
            output.Advance(s_frame.Length);
            await output.FlushAsync();
            Drain(toClient.Reader);
        }

        for (var i = 0; i < 100; i++)
        {
            await WriteAsync();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            await WriteAsync();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_100L * s_frame.Length, traffic.BytesSent);
    }

    private static (ConnectionContext Connection, Pipe ToClient, ConnectionTraffic Traffic) Connect()
    {
        // No pause threshold and inline schedulers: every write completes synchronously on this thread, so the
        // thread's allocation counter sees all of it.
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false);
        var toClient = new Pipe(options);
        var toServer = new Pipe(options);
        var connection = new DefaultConnectionContext("c1", new DuplexPipe(toServer.Reader, toClient.Writer), new DuplexPipe(toClient.Reader, toServer.Writer));
        var traffic = new ConnectionTraffic();
        CountingTransport.Wrap(connection, traffic);
        return (connection, toClient, traffic);
    }

    private static async ValueTask WriteAndDrainAsync(PipeWriter output, PipeReader reader)
    {
        await output.WriteAsync(s_frame);
        Drain(reader);
    }

    private static void Drain(PipeReader reader)
    {
        Assert.True(reader.TryRead(out var result));
        reader.AdvanceTo(result.Buffer.End);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
