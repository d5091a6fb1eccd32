using Microsoft.Extensions.Options;

namespace SignalRChannels.Internal;

/// <summary>Checks <see cref="ChannelsOptions"/> at start-up from its attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ChannelsOptionsValidator : IValidateOptions<ChannelsOptions>;
