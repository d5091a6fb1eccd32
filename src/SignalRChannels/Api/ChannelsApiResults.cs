using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Api;

/// <summary>
/// The HTTP API's refusals: a status and a JSON body <c>{"code": "...", "error": "code: message"}</c> (the coded
/// errors of <c>docs/protocol.md</c>), logged at Debug since callers cause them.
/// </summary>
internal static partial class ChannelsApiResults
{
    public static IResult BadRequest(HttpContext http, string code, string message) => Refuse(http, StatusCodes.Status400BadRequest, code, message);

    public static IResult Refuse(HttpContext http, int status, string code, string message)
    {
        Log.Refused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SignalRChannels.Api"), status, code, message);
        return Results.Json(new { code, error = $"{code}: {message}" }, statusCode: status);
    }

    /// <summary>A publish or query the core refused: its code, with the status that code means over HTTP.</summary>
    public static IResult FromException(HttpContext http, ChannelException exception) => Refuse(
        http,
        exception.Code switch
        {
            ChannelErrorCodes.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
            ChannelErrorCodes.Unavailable => StatusCodes.Status503ServiceUnavailable,
            ChannelErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status400BadRequest,
        },
        exception.Code,
        exception.Detail);

    /// <summary>Reads a request body up to <paramref name="maxBytes"/>; null when it is larger.</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpContext http, int maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Debug, "HTTP API request refused with {Status}: {Code}: {Reason}")]
        public static partial void Refused(ILogger logger, int status, string code, string reason);
    }
}
