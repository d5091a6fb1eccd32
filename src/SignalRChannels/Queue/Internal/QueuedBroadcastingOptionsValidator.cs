using Microsoft.Extensions.Options;

namespace SignalRChannels.Queue.Internal;

/// <summary>Checks <see cref="QueuedBroadcastingOptions"/> at start-up from its attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class QueuedBroadcastingOptionsValidator : IValidateOptions<QueuedBroadcastingOptions>;
