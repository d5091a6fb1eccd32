using Microsoft.Extensions.Options;

namespace SignalRChannels.Presence;

/// <summary>Checks <see cref="PresenceOptions"/>; registered with <c>ValidateOnStart</c> and used by the stores' constructors.</summary>
internal sealed class PresenceOptionsValidator : IValidateOptions<PresenceOptions>
{
    internal const int MaxNodeIdLength = 128;

    public ValidateOptionsResult Validate(string? name, PresenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(PresenceOptions.HeartbeatInterval)} must be positive.");
        }

        if (options.MemberTimeout <= options.HeartbeatInterval)
        {
            failures.Add($"{nameof(PresenceOptions.MemberTimeout)} ({options.MemberTimeout}) must be longer than {nameof(PresenceOptions.HeartbeatInterval)} ({options.HeartbeatInterval}).");
        }

        if (string.IsNullOrWhiteSpace(options.NodeId) || options.NodeId.Length > MaxNodeIdLength || options.NodeId.Any(char.IsControl))
        {
            failures.Add($"{nameof(PresenceOptions.NodeId)} must be 1 to {MaxNodeIdLength} characters, without control characters.");
        }

        if (options.MaxMemberInfoBytes is < 16 or > 1024 * 1024)
        {
            failures.Add($"{nameof(PresenceOptions.MaxMemberInfoBytes)} must be between 16 and 1,048,576.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when the options are not valid.</summary>
    public static PresenceOptions EnsureValid(PresenceOptions options)
    {
        var result = new PresenceOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed
            ? throw new OptionsValidationException(Options.DefaultName, typeof(PresenceOptions), result.Failures)
            : options;
    }
}
