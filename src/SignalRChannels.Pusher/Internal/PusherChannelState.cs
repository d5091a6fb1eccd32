namespace SignalRChannels.Pusher.Internal;

/// <summary>A channel the Pusher client asked for; events are held until its subscription succeeded.</summary>
internal sealed class PusherChannelState(string pusherName, ChannelKind kind, string? memberId)
{
    private List<HeldFrame>? _held = [];

    public string PusherName { get; } = pusherName;

    public ChannelKind Kind { get; } = kind;

    public string? MemberId { get; private set; } = memberId;

    public bool IsSubscribed => _held is null;

    public PusherChannelState WithMember(string? memberId)
    {
        MemberId = memberId;
        return this;
    }

    public void Hold(HeldFrame frame) => _held!.Add(frame);

    public List<HeldFrame> TakeHeld()
    {
        var held = _held ?? [];
        _held = null;
        return held;
    }

    /// <summary>A frame that arrived while subscribing; presence frames name the member they are about.</summary>
    public readonly record struct HeldFrame(byte[] Frame, string? MemberId, bool IsJoin);
}
