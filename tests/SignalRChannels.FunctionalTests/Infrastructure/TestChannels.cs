namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>Channel names no other test uses.</summary>
public static class TestChannels
{
    public static string Unique(string prefix = "test") => $"{prefix}.{Guid.NewGuid():N}";
}
