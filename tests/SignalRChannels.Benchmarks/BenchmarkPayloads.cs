using System.Text.Json;

namespace SignalRChannels.Benchmarks;

/// <summary>The load tool's event shape: about 100 bytes of JSON data (send timestamp, sequence number, padding).</summary>
public sealed record BenchData(long Ts, long Seq, string Pad)
{
    public static BenchData Sample { get; } = new(1_234_567_890_123, 42, new string('x', 60));

    /// <summary>The sample in canonical form, as the publish pipeline holds it.</summary>
    public static JsonElement SampleElement { get; } = JsonSerializer.SerializeToElement(Sample, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}

/// <summary>The plain SignalR baseline's envelope: the same fields as <see cref="ChannelEvent"/>, typed data.</summary>
public sealed record BenchEnvelope(string Channel, string Event, BenchData Data, long Timestamp);
