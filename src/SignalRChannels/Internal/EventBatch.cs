using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace SignalRChannels.Internal;

/// <summary>
/// Several envelopes of one group, handed to SignalR's group send as the single argument of an invocation of
/// <see cref="Target"/>. It never reaches a client as such: the channel hub's protocols (<see cref="ChannelHubProtocol"/>)
/// write it as one <c>ChannelEvent</c> invocation per envelope, in order, and SignalR writes those bytes to each
/// connection with one write and one flush. Only sent where SignalR's in-process lifetime manager writes to the
/// connections itself; a backplane serializes with protocols that do not know it.
/// </summary>
internal sealed class EventBatch(IReadOnlyList<object> events)
{
    /// <summary>The invocation target that marks a batch; never written to the wire.</summary>
    public const string Target = "channels:batch";

    // The buffers batches were serialized into, with their record counts, so a connection's traffic counts a batch's
    // write as the messages it holds (Diagnostics.CountingTransport). Entries go with their buffers. Until a first batch
    // is written (never, with a backplane) a connection's write skips the lookup.
    private static readonly ConditionalWeakTable<byte[], StrongBox<int>> s_written = new();
    private static volatile bool s_anyWritten;

    /// <summary>The envelopes (<c>ChannelEvent</c> or <c>RawChannelEvent</c>), in the order clients receive them.</summary>
    public IReadOnlyList<object> Events { get; } = events;

    /// <summary>The batch <paramref name="message"/> carries, or null for any other message.</summary>
    public static EventBatch? Of(HubMessage message) =>
        message is InvocationMessage { Target: Target, Arguments: [EventBatch batch] } ? batch : null;

    /// <summary>The bytes a protocol wrote for this batch, remembered as holding one record per event.</summary>
    public ReadOnlyMemory<byte> Written(ArrayBufferWriter<byte> output)
    {
        var written = output.WrittenMemory;
        if (MemoryMarshal.TryGetArray(written, out var segment) && segment.Array is { } array)
        {
            s_written.AddOrUpdate(array, new StrongBox<int>(Events.Count));
            s_anyWritten = true;
        }

        return written;
    }

    /// <summary>How many hub messages a write of <paramref name="bytes"/> carries: a batch's events, or one.</summary>
    public static int MessagesIn(ReadOnlyMemory<byte> bytes) =>
        s_anyWritten && MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is { } array && s_written.TryGetValue(array, out var records)
            ? records.Value
            : 1;
}
