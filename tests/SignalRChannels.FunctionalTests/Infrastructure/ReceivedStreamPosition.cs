using MessagePack;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>The client's view of a stream position <c>{ offset, epoch }</c>.</summary>
[MessagePackObject]
public sealed class ReceivedStreamPosition
{
    [Key("offset")]
    public long Offset { get; set; }

    [Key("epoch")]
    public string? Epoch { get; set; }
}
