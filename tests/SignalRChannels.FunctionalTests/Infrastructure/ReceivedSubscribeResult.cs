using MessagePack;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>The client's view of a <c>Subscribe</c> result (and of each <c>SubscribeMany</c> entry).</summary>
[MessagePackObject]
public sealed class ReceivedSubscribeResult
{
    [Key("channel")]
    public string? Channel { get; set; }

    [Key("position")]
    public ReceivedStreamPosition? Position { get; set; }

    [Key("recovered")]
    public bool Recovered { get; set; }

    [Key("missed")]
    public ReceivedEvent[]? Missed { get; set; }

    /// <summary>Presence members, undecoded (see <see cref="WireData"/>).</summary>
    [Key("members")]
    public object? Members { get; set; }

    [Key("error")]
    public string? Error { get; set; }
}
