using Microsoft.Extensions.Options;

namespace SignalRChannels;

/// <summary>
/// Checks <see cref="PresenceOptions"/> from its attributes and its cross-field rule (source-generated):
/// registered with <c>ValidateOnStart</c>, and for stores constructed outside DI, <see cref="ThrowIfInvalid"/>.
/// </summary>
[OptionsValidator]
public sealed partial class PresenceOptionsValidator : IValidateOptions<PresenceOptions>
{
    /// <summary>Throws <see cref="OptionsValidationException"/> when the options are not valid.</summary>
    /// <param name="options">The options to check.</param>
    /// <returns>The same options.</returns>
    public static PresenceOptions ThrowIfInvalid(PresenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new PresenceOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed
            ? throw new OptionsValidationException(Options.DefaultName, typeof(PresenceOptions), result.Failures)
            : options;
    }
}
