using System.Buffers.Text;
using System.Diagnostics;

namespace SignalRChannels.LoadTool;

/// <summary>
/// What the orchestrator and the servers agree on: paths, names and the payload. Every server sends the same bytes
/// for an event: the JSON hub protocol invocation <c>ChannelEvent</c> with the v1 envelope
/// <c>{channel, event, data: {ts, seq, pad}, timestamp}</c>.
/// </summary>
internal static class LoadWire
{
    public const string HubPath = "/hub";
    public const string RawPath = "/ws";

    /// <summary>The Pusher app key of the <see cref="Serve.ServerKind.Pusher"/> server: clients connect to <c>/app/{key}</c>.</summary>
    public const string PusherKey = "load-key";
    public const string EventName = "load";
    public const string ClientMethod = "ChannelEvent";
    public const string ReadyLine = "LOADTOOL-LISTENING ";

    /// <summary>The presence channel family; the server's route is <c>room.{id}</c>.</summary>
    public const string PresenceChannelPrefix = "presence-room.";

    /// <summary>History is on for <c>hist.*</c> and off for <c>load.*</c>, on the same server.</summary>
    public const string HistoryChannelPrefix = "hist.";
    public const string PlainChannelPrefix = "load.";

    /// <summary>History channels whose events the load server publishes through the queue (<c>IChannelQueue</c>).</summary>
    public const string QueuedChannelPrefix = HistoryChannelPrefix + "q";

    /// <summary>
    /// A channel given to a light client as <c>name|event,event</c> is subscribed with that event filter
    /// (<c>Subscribe(name, { events: [...] })</c>).
    /// </summary>
    public const char FilterSeparator = '|';

    /// <summary>
    /// The send timestamp travels as <see cref="Stopwatch.GetTimestamp"/>: on Linux that is CLOCK_MONOTONIC in
    /// nanoseconds, one clock for every process on the machine, so server and client stamps compare directly.
    /// </summary>
    public static long Now() => Stopwatch.GetTimestamp();

    public static double TicksToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>The data of one event, sized so its JSON is about <paramref name="size"/> bytes.</summary>
    public static LoadData Data(long seq, int size) => new(Now(), seq, Padding(size));

    private static readonly Dictionary<int, string> s_padding = [];

    private static string Padding(int size)
    {
        // {"ts":1234567890123,"seq":1234,"pad":"…"} has about 40 bytes around the padding.
        var length = Math.Max(0, size - 40);
        lock (s_padding)
        {
            if (!s_padding.TryGetValue(length, out var pad))
            {
                pad = new string('x', length);
                s_padding[length] = pad;
            }

            return pad;
        }
    }

    private static ReadOnlySpan<byte> TsToken => "\"ts\":"u8;
    private static ReadOnlySpan<byte> IdToken => "\"id\":\""u8;
    private static ReadOnlySpan<byte> MemberJoinedToken => "\"event\":\"member:joined\""u8;
    private static ReadOnlySpan<byte> MemberLeftToken => "\"event\":\"member:left\""u8;

    /// <summary>Whether a received message is a <c>member:left</c> event.</summary>
    public static bool IsMemberLeft(ReadOnlySpan<byte> message) => message.IndexOf(MemberLeftToken) >= 0;

    /// <summary>Finds the send timestamp in a received message without deserializing it.</summary>
    public static bool TryReadSendTimestamp(ReadOnlySpan<byte> message, out long timestamp)
    {
        timestamp = 0;
        var at = message.IndexOf(TsToken);
        return at >= 0 && Utf8Parser.TryParse(message[(at + TsToken.Length)..], out timestamp, out _);
    }

    /// <summary>The member id of a <c>member:joined</c> event, or null for any other message.</summary>
    public static string? TryReadJoinedMember(ReadOnlySpan<byte> message)
    {
        if (message.IndexOf(MemberJoinedToken) < 0)
        {
            return null;
        }

        var at = message.IndexOf(IdToken);
        if (at < 0)
        {
            return null;
        }

        var rest = message[(at + IdToken.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? null : System.Text.Encoding.UTF8.GetString(rest[..end]);
    }
}

/// <summary>The event data: send timestamp, sequence number and padding.</summary>
internal sealed record LoadData(long Ts, long Seq, string Pad);

/// <summary>The plain baselines' envelope: the same fields, in the same order, as the channels' <c>ChannelEvent</c>.</summary>
internal sealed record LoadEnvelope(string Channel, string Event, LoadData Data, long Timestamp);
