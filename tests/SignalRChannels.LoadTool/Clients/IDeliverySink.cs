namespace SignalRChannels.LoadTool.Clients;

/// <summary>Where clients report what they receive; one sink per measured trial.</summary>
internal interface IDeliverySink
{
    /// <summary>A load event arrived at client <paramref name="client"/>.</summary>
    void OnDelivery(int client, long sentTimestamp, long receivedTimestamp);

    /// <summary>A <c>member:joined</c> event arrived at client <paramref name="client"/>.</summary>
    void OnMemberJoined(int client, string memberId, long receivedTimestamp);

    /// <summary>A <c>member:left</c> event arrived at client <paramref name="client"/>.</summary>
    void OnMemberLeft(int client, long receivedTimestamp)
    {
    }
}

/// <summary>A connected client of any kind.</summary>
internal interface ILoadClient : IAsyncDisposable
{
    int Index { get; }

    IDeliverySink? Sink { get; set; }

    /// <summary>Subscribes to a channel and returns the time the <c>Subscribe</c> call took.</summary>
    Task<TimeSpan> SubscribeAsync(string channel, CancellationToken cancellationToken);
}
