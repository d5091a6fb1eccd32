namespace SignalRChannels;

/// <summary>The lifecycle events webhooks report, in Pusher's names; combine them as flags.</summary>
[Flags]
public enum WebhookEvents
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>channel_occupied</c>: a channel got its first subscription anywhere in the cluster.</summary>
    ChannelOccupied = 1,

    /// <summary><c>channel_vacated</c>: a channel lost its last subscription anywhere in the cluster (a dead node's too, once its lease expires).</summary>
    ChannelVacated = 2,

    /// <summary><c>member_added</c>: a user's first connection joined a presence channel.</summary>
    MemberAdded = 4,

    /// <summary><c>member_removed</c>: a user's last connection left a presence channel.</summary>
    MemberRemoved = 8,

    /// <summary><c>client_event</c>: a client whispered on a private or presence channel.</summary>
    ClientEvent = 16,

    /// <summary>Every event.</summary>
    All = ChannelOccupied | ChannelVacated | MemberAdded | MemberRemoved | ClientEvent,
}
