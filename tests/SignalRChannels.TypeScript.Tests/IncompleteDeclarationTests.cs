using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.TypeScript.Tests;

/// <summary>A placeholder that names no property of its record.</summary>
[Channel("private-tickets.{ticketNumber}")]
public sealed record TicketChannel(int Id) : TypedChannel;

/// <summary>An incomplete declaration fails early, on both sides: at the server's start and at generation.</summary>
public sealed class IncompleteDeclarationTests
{
    [Fact]
    public void AddChannelContracts_RefusesAPlaceholderThatNamesNoProperty()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<InvalidOperationException>(() =>
            services.AddSignalR().AddChannels(channels => channels.AddChannelContracts(typeof(TicketChannel).Assembly)));

        Assert.Contains("{ticketNumber}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGenerator_ReportsTheSameDeclaration_AsABuildError()
    {
        var error = new StringWriter();

        var exitCode = Generator.Run(["--assembly", typeof(TicketChannel).Assembly.Location, "--out", Path.Combine(Path.GetTempPath(), "never.ts")], new StringWriter(), error);

        Assert.Equal(1, exitCode);
        Assert.Contains("error CHTS002", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("{ticketNumber}", error.ToString(), StringComparison.Ordinal);
    }
}
