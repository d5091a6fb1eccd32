using System.Diagnostics;

namespace SignalRChannels.TypeScript.Tests;

/// <summary>
/// The MSBuild integration as an app uses it: a project importing build/SignalRChannels.TypeScript.targets writes the
/// module on build, and with <c>-p:ChannelsTypeScriptCheck=true</c> fails the build once a C# event changed.
/// </summary>
public sealed class BuildIntegrationTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("channels-typescript-build-").FullName;

    [Fact]
    public async Task ABuild_WritesTheModule_AndTheCheckFailsTheBuild_WhenACSharpEventChanges()
    {
        WriteProject(eventRecord: "public sealed record PriceChanged(int Cents);");
        var generated = Path.Combine(_project, "client", "channels.generated.ts");

        var first = await BuildAsync();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("  cents: number;", await File.ReadAllTextAsync(generated), StringComparison.Ordinal);

        WriteProject(eventRecord: "public sealed record PriceChanged(int Cents, string Currency);");
        var checkedBuild = await BuildAsync("-p:ChannelsTypeScriptCheck=true");
        Assert.NotEqual(0, checkedBuild.ExitCode);
        Assert.Contains("error CHTS001", checkedBuild.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("currency", await File.ReadAllTextAsync(generated), StringComparison.Ordinal);

        var rebuilt = await BuildAsync();
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Output);
        Assert.Contains("  currency: string;", await File.ReadAllTextAsync(generated), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private void WriteProject(string eventRecord)
    {
        var bin = Path.GetDirectoryName(typeof(BuildIntegrationTests).Assembly.Location)!;
        File.WriteAllText(Path.Combine(_project, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ChannelsTypeScriptOutput>client/channels.generated.ts</ChannelsTypeScriptOutput>
                <ChannelsTypeScriptTool>{Path.Combine(bin, "SignalRChannels.TypeScript.dll")}</ChannelsTypeScriptTool>
              </PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <Reference Include="{Path.Combine(bin, "SignalRChannels.dll")}" />
                <Reference Include="{Path.Combine(bin, "SignalRChannels.Protocol.dll")}" />
              </ItemGroup>
              <Import Project="{Path.Combine(Repository.Root, "src", "SignalRChannels.TypeScript", "build", "SignalRChannels.TypeScript.targets")}" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(_project, "Contracts.cs"), $$"""
            using SignalRChannels;

            [Channel("prices.{sku}")]
            [Broadcasts(typeof(PriceChanged))]
            public sealed record PriceChannel(string Sku) : TypedChannel;

            {{eventRecord}}
            """);
    }

    private async Task<(int ExitCode, string Output)> BuildAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _project, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "build", "-nologo", "-p:OutputType=Library" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        return (process.ExitCode, await output + await error);
    }
}
