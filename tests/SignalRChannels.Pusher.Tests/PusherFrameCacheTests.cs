using System.Buffers;
using System.Text;
using SignalRChannels.Pusher.Internal;

namespace SignalRChannels.Pusher.Tests;

public sealed class PusherFrameCacheTests
{
    private static readonly TranslatedEvent Translated = new("news", [1, 2, 3], MemberId: null, IsJoin: false);

    [Fact]
    public void SameBytes_HitTheCache()
    {
        var cache = new PusherFrameCache();
        var bytes = Encoding.UTF8.GetBytes("""{"type":1,"target":"ChannelEvent","arguments":[{"channel":"news"}]}""");
        Assert.False(cache.TryGet(new ReadOnlySequence<byte>(bytes), out var hash, out _));
        cache.Add(new ReadOnlySequence<byte>(bytes), hash, Translated);

        Assert.True(cache.TryGet(new ReadOnlySequence<byte>(bytes), out _, out var hit));
        Assert.Same(Translated, hit);
    }

    [Fact]
    public void SameBytesInSeveralSegments_HitTheCache_AndADifferentByteInTheSecondSegmentMisses()
    {
        var cache = new PusherFrameCache();
        var bytes = Encoding.UTF8.GetBytes("""{"type":1,"target":"ChannelEvent","arguments":[{"channel":"news"}]}""");
        Assert.False(cache.TryGet(Split(bytes, 10), out var hash, out _));
        cache.Add(Split(bytes, 10), hash, Translated);

        Assert.True(cache.TryGet(Split(bytes, 10), out _, out var hit));
        Assert.Same(Translated, hit);
        var changed = (byte[])bytes.Clone();
        changed[^3] = (byte)'x';
        Assert.False(cache.TryGet(Split(changed, 10), out _, out _));
    }

    [Fact]
    public void OtherBytes_MissTheCache()
    {
        var cache = new PusherFrameCache();
        var bytes = Encoding.UTF8.GetBytes("""{"a":1}""");
        cache.TryGet(new ReadOnlySequence<byte>(bytes), out var hash, out _);
        cache.Add(new ReadOnlySequence<byte>(bytes), hash, Translated);

        Assert.False(cache.TryGet(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("""{"a":2}""")), out _, out _));
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var first = new Segment(bytes.AsMemory(0, at), 0);
        var second = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
