using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// Reads the coded errors of wire protocol v1 as the .NET client surfaces them:
/// <c>"An unexpected error occurred invoking 'X' on the server. HubException: &lt;code&gt;: &lt;detail&gt;"</c>.
/// </summary>
public static class HubErrors
{
    private const string Marker = "HubException: ";

    /// <summary>Awaits <paramref name="action"/> and asserts it fails with <paramref name="code"/> and leaks nothing.</summary>
    public static async Task<HubException> AssertCodeAsync(string code, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<HubException>(action);
        Assert.Equal(code, CodeOf(ex.Message));
        AssertNoInternalDetail(ex.Message);
        return ex;
    }

    /// <summary>The code: the first token after <c>HubException: </c>, up to the colon.</summary>
    public static string CodeOf(string message)
    {
        var start = message.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"The error has no coded HubException message: '{message}'.");
        var rest = message[(start + Marker.Length)..];
        var colon = rest.IndexOf(": ", StringComparison.Ordinal);
        Assert.True(colon > 0, $"The error message does not start with '<code>: ': '{message}'.");
        return rest[..colon];
    }

    /// <summary>No exception type name other than the leading <c>HubException</c>, and no stack trace.</summary>
    public static void AssertNoInternalDetail(string message)
    {
        var start = message.IndexOf(Marker, StringComparison.Ordinal);
        var withoutMarker = start < 0 ? message : message.Remove(start, Marker.Length);
        Assert.DoesNotContain("Exception", withoutMarker, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" in /", message, StringComparison.Ordinal);
    }
}
