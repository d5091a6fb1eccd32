using Microsoft.Extensions.Options;

namespace SignalRChannels.Pusher.Internal;

/// <summary>Checks the apps and timings at start-up.</summary>
internal sealed class PusherOptionsValidator : IValidateOptions<PusherOptions>
{
    public ValidateOptionsResult Validate(string? name, PusherOptions options)
    {
        var failures = new List<string>();
        if (options.Apps.Count == 0)
        {
            failures.Add("PusherOptions.Apps needs at least one app (id, key, secret).");
        }

        foreach (var app in options.Apps)
        {
            if (string.IsNullOrEmpty(app.Id) || app.Id.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
            {
                failures.Add($"Pusher app id '{app.Id}' must be letters, digits, '-' and '_'.");
            }

            if (string.IsNullOrEmpty(app.Key) || app.Key.Length > 100)
            {
                failures.Add($"Pusher app '{app.Id}' needs a key of 1 to 100 characters.");
            }

            if (string.IsNullOrEmpty(app.Secret))
            {
                failures.Add($"Pusher app '{app.Id}' needs a secret.");
            }

            foreach (var url in app.WebhookUrls)
            {
                if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    failures.Add($"Pusher app '{app.Id}': webhook URL '{url}' is not an absolute http or https URL.");
                }
            }

            if (app.EncryptionMasterKeyBase64 is { } key && !IsMasterKey(key))
            {
                failures.Add($"Pusher app '{app.Id}': EncryptionMasterKeyBase64 must be the base64 of 32 bytes.");
            }
        }

        if (options.Apps.Select(a => a.Id).Distinct(StringComparer.Ordinal).Count() != options.Apps.Count
            || options.Apps.Select(a => a.Key).Distinct(StringComparer.Ordinal).Count() != options.Apps.Count)
        {
            failures.Add("Pusher app ids and keys must be unique.");
        }

        if (options.ActivityTimeout < TimeSpan.FromSeconds(1) || options.PongTimeout <= TimeSpan.Zero)
        {
            failures.Add("PusherOptions.ActivityTimeout must be at least 1 second and PongTimeout positive.");
        }

        if (options.MaxMessageBytes < 1024 || options.MaxQueuedBytes < 64 * 1024 || options.TimestampTolerance <= TimeSpan.Zero)
        {
            failures.Add("PusherOptions.MaxMessageBytes must be at least 1 KiB, MaxQueuedBytes at least 64 KiB, TimestampTolerance positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsMasterKey(string value)
    {
        Span<byte> bytes = stackalloc byte[64];
        return Convert.TryFromBase64String(value, bytes, out var written) && written == 32;
    }
}
