namespace SignalRChannels.Client;

/// <summary>The lifecycle of one <see cref="ChannelSubscription"/>.</summary>
public enum SubscriptionState
{
    /// <summary>A <c>Subscribe</c> call is pending, or the client is not connected yet; events are held back.</summary>
    Subscribing,

    /// <summary>The server accepted the subscription; events flow.</summary>
    Subscribed,

    /// <summary>The server refused the subscription; it is retried on the next (re)connect.</summary>
    Failed,

    /// <summary>The server removed the subscription (<c>channel:unsubscribed</c>); it is not resubscribed automatically.</summary>
    Unsubscribed,

    /// <summary>The app left the channel; the object is dead.</summary>
    Left,
}
