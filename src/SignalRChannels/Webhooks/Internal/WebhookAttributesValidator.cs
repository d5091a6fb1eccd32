using Microsoft.Extensions.Options;

namespace SignalRChannels.Webhooks.Internal;

/// <summary>Checks <see cref="WebhookOptions"/> from its attributes (source-generated); <see cref="WebhookOptionsValidator"/> adds the rest.</summary>
[OptionsValidator]
internal sealed partial class WebhookAttributesValidator : IValidateOptions<WebhookOptions>;
