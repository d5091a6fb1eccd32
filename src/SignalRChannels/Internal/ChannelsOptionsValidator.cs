using Microsoft.Extensions.Options;

namespace SignalRChannels.Internal;

/// <summary>Checks the options that data annotations cannot express.</summary>
internal sealed class ChannelsOptionsValidator : IValidateOptions<ChannelsOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelsOptions options)
    {
        var failures = new List<string>();
        if (options.AuthorizationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ChannelsOptions.AuthorizationTimeout)} must be positive.");
        }

        if (options.WhisperWindow <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ChannelsOptions.WhisperWindow)} must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
