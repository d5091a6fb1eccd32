using Microsoft.Extensions.Options;

namespace SignalRChannels.Redis.Internal;

/// <summary>Checks <see cref="ChannelsRedisOptions"/> at start-up from its attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ChannelsRedisOptionsValidator : IValidateOptions<ChannelsRedisOptions>;
