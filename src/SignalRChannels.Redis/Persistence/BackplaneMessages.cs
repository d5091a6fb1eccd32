using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;
using SignalRChannels.Internal;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// Writes SignalR's Redis backplane message for a channel event whose offset and epoch are not known yet, as a template
/// that the append script completes once it has assigned them (<see cref="RedisHistoryScripts.AppendPublish"/>).
/// </summary>
/// <remarks>
/// <para>The message is what <c>RedisHubLifetimeManager</c> publishes for a group send: a MessagePack array of the
/// excluded connection ids and a map from each hub protocol's name to the invocation as that protocol writes it. The
/// envelope is written once per protocol with a placeholder offset and epoch; the bytes around them are the template.
/// In a text protocol (JSON) the script writes the offset in decimal; in a binary one (MessagePack) as a 64-bit unsigned
/// integer (<c>0xcf</c> and 8 bytes, a valid if not the shortest encoding, so the frame's length does not change); the
/// epoch is always 8 characters (<see cref="StreamEpoch"/>). Each protocol's bytes go into a MessagePack <c>bin</c>
/// whose length the script writes.</para>
/// <para><see cref="Render"/> does in C# what the script does, so a node can check, before it turns the path on, that it
/// writes byte for byte what SignalR itself publishes (<see cref="BackplaneFormatProbe"/>).</para>
/// </remarks>
internal sealed class BackplaneMessages
{
    /// <summary>The placeholder offset: 19 digits, above <see cref="uint.MaxValue"/> so MessagePack writes it in 9 bytes.</summary>
    internal const long PlaceholderOffset = 1111111111111111111;

    /// <summary>The placeholder epoch, as long as a real one.</summary>
    internal const string PlaceholderEpoch = "epochxyz";

    private readonly IReadOnlyList<IHubProtocol> _protocols;
    private readonly string _groupChannelPrefix;
    private readonly byte[][] _names;
    private readonly byte[][] _textPatterns;
    private readonly byte[][] _binaryPatterns;

    /// <param name="protocols">The hub protocols SignalR serializes a backplane message with, in its order.</param>
    /// <param name="channelPrefix">The Redis channel prefix of the hub: any prefix of the multiplexer, then the hub type's full name.</param>
    public BackplaneMessages(IReadOnlyList<IHubProtocol> protocols, string channelPrefix)
    {
        _protocols = protocols;
        _groupChannelPrefix = channelPrefix + ":group:";
        _names = [.. protocols.Select(p => Pack(null, p.Name))];
        _textPatterns = [Encoding.UTF8.GetBytes($"\"offset\":{PlaceholderOffset}"), Encoding.UTF8.GetBytes($"\"epoch\":\"{PlaceholderEpoch}")];
        _binaryPatterns = [Pack("offset", PlaceholderOffset), Pack("epoch", PlaceholderEpoch)];
        Kinds = string.Concat(protocols.Select(p => p.TransferFormat == Microsoft.AspNetCore.Connections.TransferFormat.Text ? 'd' : 'u'));
    }

    /// <summary>Per protocol, how the script writes the offset: <c>d</c> in decimal, <c>u</c> as a 64-bit unsigned integer.</summary>
    public string Kinds { get; }

    /// <summary>How many script arguments <see cref="TryAddTemplate"/> adds per event.</summary>
    public int ArgumentsPerEvent => 4 * _protocols.Count;

    /// <summary>The Redis channel SignalR publishes a send to the channel's group on.</summary>
    public string GroupChannel(ChannelName channel) => _groupChannelPrefix + ChannelGroups.For(channel);

    /// <summary>
    /// Adds the event's template to the script's arguments: per protocol, the bytes before its <c>bin</c> (the message's
    /// head for the first), then the protocol's bytes before the offset, between offset and epoch, and after the epoch.
    /// </summary>
    /// <returns>False when a protocol's bytes do not hold the placeholders exactly once (nothing is added then).</returns>
    public bool TryAddTemplate(List<RedisValue> arguments, ChannelEvent envelope, string? excludedConnectionId)
    {
        var start = arguments.Count;
        var placeholder = envelope.WithPosition(PlaceholderOffset, PlaceholderEpoch);
        var message = new InvocationMessage(ChannelEvent.ClientMethodName, [placeholder]);
        for (var p = 0; p < _protocols.Count; p++)
        {
            var serialized = _protocols[p].GetMessageBytes(message);
            var bytes = MemoryMarshal.TryGetArray(serialized, out var segment) && segment is { Offset: 0, Array: { } array } && array.Length == segment.Count
                ? array
                : serialized.ToArray();
            var text = Kinds[p] == 'd';
            var patterns = text ? _textPatterns : _binaryPatterns;
            var offsetAt = SingleIndexOf(bytes, patterns[0]);
            var epochAt = SingleIndexOf(bytes, patterns[1]);
            if (offsetAt < 0 || epochAt < offsetAt)
            {
                arguments.RemoveRange(start, arguments.Count - start);
                return false;
            }

            // Where the values start: after the key (and, for JSON, the colon and the epoch's opening quote).
            var offsetValueAt = offsetAt + patterns[0].Length - (text ? PlaceholderOffset.ToString(CultureInfo.InvariantCulture).Length : 9);
            var offsetValueEnd = offsetAt + patterns[0].Length;
            var epochValueAt = epochAt + patterns[1].Length - PlaceholderEpoch.Length;
            var epochValueEnd = epochAt + patterns[1].Length;
            arguments.Add(p == 0 ? Head(excludedConnectionId, _names[0]) : _names[p]);
            arguments.Add(bytes.AsMemory(0, offsetValueAt));
            arguments.Add(bytes.AsMemory(offsetValueEnd, epochValueAt - offsetValueEnd));
            arguments.Add(bytes.AsMemory(epochValueEnd));
        }

        return true;
    }

    /// <summary>The message the script publishes for the event at <paramref name="offset"/> under <paramref name="epoch"/>.</summary>
    public byte[] Render(ChannelEvent envelope, string? excludedConnectionId, long offset, string epoch)
    {
        var arguments = new List<RedisValue>();
        if (!TryAddTemplate(arguments, envelope, excludedConnectionId))
        {
            throw new InvalidOperationException("The envelope holds the placeholders more than once.");
        }

        var message = new ArrayBufferWriter<byte>();
        for (var p = 0; p < _protocols.Count; p++)
        {
            var body = new ArrayBufferWriter<byte>();
            body.Write((byte[])arguments[(4 * p) + 1]!);
            body.Write(Kinds[p] == 'd'
                ? Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture))
                : [0xcf, .. BitConverter.GetBytes((ulong)offset).Reverse()]);
            body.Write((byte[])arguments[(4 * p) + 2]!);
            body.Write(Encoding.ASCII.GetBytes(epoch));
            body.Write((byte[])arguments[(4 * p) + 3]!);
            message.Write((byte[])arguments[4 * p]!);
            message.Write(BinHeader(body.WrittenCount));
            message.Write(body.WrittenSpan);
        }

        return message.WrittenSpan.ToArray();
    }

    /// <summary>The message's head (an array of 2: the excluded ids, then the map of the protocols) and the first name.</summary>
    private byte[] Head(string? excludedConnectionId, byte[] firstName)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        if (excludedConnectionId is null)
        {
            writer.WriteArrayHeader(0);
        }
        else
        {
            writer.WriteArrayHeader(1);
            writer.Write(excludedConnectionId);
        }

        writer.WriteMapHeader(_protocols.Count);
        writer.WriteRaw(firstName);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static int SingleIndexOf(byte[] bytes, byte[] pattern)
    {
        var first = bytes.AsSpan().IndexOf(pattern);
        return first >= 0 && bytes.AsSpan().LastIndexOf(pattern) == first ? first : -1;
    }

    private static byte[] Pack(string? key, string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        if (key is not null)
        {
            writer.Write(key);
        }

        writer.Write(value);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Pack(string key, long value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.Write(key);
        writer.Write(value);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] BinHeader(int length)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteBinHeader(length);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
