using Microsoft.Extensions.Options;

namespace SignalRChannels.Webhooks.Internal;

/// <summary>The rules attributes cannot say: absolute http(s) URLs, a key and a secret.</summary>
internal sealed class WebhookOptionsValidator(IEnumerable<IWebhookTargetSource> sources) : IValidateOptions<WebhookOptions>
{
    private readonly WebhookAttributesValidator _attributes = new();

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        var attributes = _attributes.Validate(name, options);
        if (attributes.Failed)
        {
            failures.AddRange(attributes.Failures);
        }

        if (options.Urls.Count == 0 && !sources.Any(s => s.GetTargets().Any()))
        {
            failures.Add("WebhookOptions.Urls: add at least one URL to POST webhooks to (or give a Pusher app WebhookUrls).");
        }

        foreach (var url in options.Urls)
        {
            if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"WebhookOptions.Urls: '{url}' is not an absolute http or https URL.");
            }
        }

        if (options.Urls.Count > 0
            && (options.Credentials is null || string.IsNullOrEmpty(options.Credentials.Key) || string.IsNullOrEmpty(options.Credentials.Secret)))
        {
            failures.Add("WebhookOptions.Credentials: set the app's Key and Secret; the secret signs every webhook.");
        }

        if (options.Events == WebhookEvents.None || (options.Events & ~WebhookEvents.All) != 0)
        {
            failures.Add($"WebhookOptions.Events: '{options.Events}' names no event or an unknown one.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
