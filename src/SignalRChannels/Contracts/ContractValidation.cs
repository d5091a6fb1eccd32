using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Contracts;

/// <summary>
/// Development-time payload validation for one typed channel: server events must be declared by the channel's
/// <see cref="BroadcastsAttribute"/>s and their JSON must read as the declared type strictly (no unknown members, required
/// constructor parameters present, non-nullable members not null); whispers likewise when the channel declares any.
/// Runs as publish middleware scoped to the channel's template.
/// </summary>
internal sealed class ContractValidation(ChannelContract contract)
{
    private JsonSerializerOptions? _strict;

    public ValueTask InvokeAsync(ChannelEventContext context, ChannelEventDelegate next)
    {
        if (contract.Matches(context.Channel))
        {
            switch (context.Kind)
            {
                case ChannelEventKind.Server:
                    var problem = Check(context, contract.Events, context.EventName, "event");
                    if (problem is not null)
                    {
                        // The publisher gets event_failed; the log says why.
                        throw new ChannelException(ChannelErrorCodes.InvalidArgument, problem);
                    }

                    break;
                case ChannelEventKind.Whisper when contract.Whispers.Count > 0:
                    var whisper = context.EventName[EventNames.ClientPrefix.Length..];
                    if (Check(context, contract.Whispers, whisper, "whisper") is { } reason)
                    {
                        context.Drop(reason);
                        return ValueTask.CompletedTask;
                    }

                    break;
            }
        }

        return next(context);
    }

    private string? Check(ChannelEventContext context, IReadOnlyDictionary<string, Type> declared, string name, string what)
    {
        if (!declared.TryGetValue(name, out var type))
        {
            return $"the {what} '{name}' is not declared by the typed channel {contract.Type.Name}";
        }

        try
        {
            context.Data.Deserialize(type, _strict ??= Strict(context.Services));
            return null;
        }
        catch (JsonException ex)
        {
            return $"the {what} '{name}' does not match {type.Name}: {ex.Message}";
        }
    }

    private static JsonSerializerOptions Strict(IServiceProvider services)
    {
        var payload = services.GetService<IOptions<JsonHubProtocolOptions>>()?.Value.PayloadSerializerOptions
            ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return new JsonSerializerOptions(payload)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        };
    }
}
