using MessagePack;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>The client's view of a <c>GetHistory</c> result, for both hub protocols.</summary>
[MessagePackObject]
public sealed class ReceivedHistory
{
    [Key("position")]
    public ReceivedStreamPosition? Position { get; set; }

    [Key("events")]
    public ReceivedEvent[]? Events { get; set; }
}
