using System.Security.Cryptography;
using System.Text;

namespace SignalRChannels;

/// <summary>
/// The signature of a webhook, as Pusher computes it: the lower-case hex HMAC-SHA256 of the raw request body with the
/// app secret, sent in <c>X-Pusher-Signature</c>. Receivers check it with <see cref="Verify"/> over the exact bytes received.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header that names the app's key.</summary>
    public const string KeyHeader = "X-Pusher-Key";

    /// <summary>The header that carries the signature.</summary>
    public const string SignatureHeader = "X-Pusher-Signature";

    /// <summary>
    /// The header that carries the batch's id (an addition to Pusher's format): the same on every retry of a batch, so a
    /// receiver can drop a batch it already took.
    /// </summary>
    public const string BatchIdHeader = "X-Channels-Webhook-Id";

    /// <summary>Signs a body.</summary>
    /// <param name="secret">The app secret.</param>
    /// <param name="body">The request body, as sent.</param>
    /// <returns>The lower-case hex HMAC-SHA256.</returns>
    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Checks a signature in constant time.</summary>
    /// <param name="secret">The app secret.</param>
    /// <param name="body">The request body, as received.</param>
    /// <param name="signature">The <c>X-Pusher-Signature</c> header value; null or empty never verifies.</param>
    /// <returns>Whether the signature is the body's.</returns>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Compute(secret, body)),
            Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
    }
}
