namespace SignalRChannels.Client;

/// <summary>Why events of a history-enabled channel were lost for good.</summary>
public enum GapReason
{
    /// <summary>A resubscription with <c>since</c> came back with <c>recovered: false</c> in the same epoch (the gap was outside the history window or over the replay cap).</summary>
    NotRecovered,

    /// <summary>The stream was lost and restarted under a new epoch.</summary>
    EpochChanged,

    /// <summary>A hole in the offsets that history no longer holds.</summary>
    HistoryIncomplete,

    /// <summary>A hole in the offsets that could not be fetched because <c>GetHistory</c> failed.</summary>
    HistoryError,
}
