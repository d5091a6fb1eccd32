using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace SignalRChannels.Redis;

/// <summary>Options of Redis scale-out. Validated at start-up.</summary>
public sealed class ChannelsRedisOptions : IValidatableObject
{
    /// <summary>The StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</summary>
    public string? Configuration { get; set; }

    /// <summary>Full connection options; when set, they win over <see cref="Configuration"/>.</summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>
    /// The prefix of every Redis key and pub/sub channel this app uses, so several apps (or test runs) can
    /// share one Redis server. The default is <c>src</c>.
    /// </summary>
    [Required]
    [MinLength(1)]
    public string Prefix { get; set; } = "src";

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (ConfigurationOptions is null && string.IsNullOrWhiteSpace(Configuration))
        {
            yield return new ValidationResult("Redis needs a Configuration string or ConfigurationOptions.", [nameof(Configuration)]);
        }
    }
}
