using System.ComponentModel.DataAnnotations;

namespace SignalRChannels.Client;

/// <summary>
/// How <see cref="ChannelsClient"/> restores a lost connection: exponential backoff with jitter, wrapped around
/// <c>HubConnection.StartAsync</c> by a Polly retry pipeline.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>Whether to reconnect at all after the connection is lost. The default is <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The delay before the second attempt (the first one is immediate); it doubles per attempt. The default is 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts. The default is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many attempts to make before giving up (the state becomes <see cref="ConnectionState.Disconnected"/>); <see langword="null"/> never gives up. The default is <see langword="null"/>.</summary>
    [Range(1, int.MaxValue)]
    public int? MaxAttempts { get; set; }

    /// <summary>Whether to spread delays randomly so that many clients do not reconnect in lockstep. The default is <see langword="true"/>.</summary>
    public bool UseJitter { get; set; } = true;
}
