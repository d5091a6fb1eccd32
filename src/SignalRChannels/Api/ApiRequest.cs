using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SignalRChannels.Api;

/// <summary>
/// An authenticated HTTP API request: the channel names its caller sees and its parsed JSON body (an empty object for
/// a request without one); or the refusal to answer instead.
/// </summary>
internal sealed class ApiRequest : IDisposable
{
    private ApiRequest(IChannelNamespace? names, JsonDocument? body, IResult? refusal)
    {
        Names = names;
        Body = body;
        Refusal = refusal;
    }

    public IChannelNamespace? Names { get; }

    public JsonDocument? Body { get; }

    public IResult? Refusal { get; }

    public static ApiRequest Accepted(IChannelNamespace names, JsonDocument body) => new(names, body, null);

    public static ApiRequest Refused(IResult refusal) => new(null, null, refusal);

    /// <summary>Parses a body read from the request; a body that is not JSON is refused with <c>invalid_argument</c>.</summary>
    public static ApiRequest Parse(HttpContext http, IChannelNamespace names, byte[] body)
    {
        try
        {
            return Accepted(names, JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body, new JsonDocumentOptions { MaxDepth = 64 }));
        }
        catch (JsonException)
        {
            return Refused(ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "the body is not valid JSON"));
        }
    }

    public void Dispose() => Body?.Dispose();
}

/// <summary>Authenticates an HTTP API request and reads its body: by an authorization policy, or by a request signature.</summary>
internal delegate Task<ApiRequest> ApiAuthenticator(HttpContext http);
