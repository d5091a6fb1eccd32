using SignalRChannels.Query;

namespace SignalRChannels.Stores.Tests.Query;

/// <summary>Records the occupancy transitions nodes decide, as <c>+channel</c> and <c>-channel</c>.</summary>
internal sealed class RecordedTransitions : IOccupancyTransitions
{
    private readonly List<string> _recorded = [];

    public bool Enabled => true;

    public void Occupied(ChannelName channel) => Add("+" + channel.Value);

    public void Vacated(ChannelName channel) => Add("-" + channel.Value);

    /// <summary>What was recorded since the last call, in order.</summary>
    public string[] Take()
    {
        lock (_recorded)
        {
            var taken = _recorded.ToArray();
            _recorded.Clear();
            return taken;
        }
    }

    private void Add(string transition)
    {
        lock (_recorded)
        {
            _recorded.Add(transition);
        }
    }
}
