using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Client.Internal;

/// <summary>Checks <see cref="ChannelsClientOptions"/> at start-up, nested reconnect options included.</summary>
internal sealed class ChannelsClientOptionsValidator : IValidateOptions<ChannelsClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelsClientOptions options)
    {
        var failures = new List<string>();
        Check(options, failures);
        Check(options.Reconnect, failures);
        if (options.Url is { IsAbsoluteUri: false })
        {
            failures.Add("Url must be an absolute URL of the channel hub.");
        }

        if (options.HeartbeatInterval is { } heartbeat && (heartbeat < TimeSpan.FromMilliseconds(100) || heartbeat > TimeSpan.FromHours(1)))
        {
            failures.Add("HeartbeatInterval must be 100 ms to 1 hour, or null to turn heartbeats off.");
        }

        if (options.Reconnect.MaxDelay < options.Reconnect.BaseDelay)
        {
            failures.Add("Reconnect.MaxDelay must not be shorter than Reconnect.BaseDelay.");
        }

        if (options.Protocol == ChannelsProtocol.MessagePack
            && options.Transports == Microsoft.AspNetCore.Http.Connections.HttpTransportType.ServerSentEvents)
        {
            failures.Add("MessagePack cannot run over Server-Sent Events (a text-only transport).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(object instance, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => r.ErrorMessage ?? "invalid option"));
        }
    }
}
