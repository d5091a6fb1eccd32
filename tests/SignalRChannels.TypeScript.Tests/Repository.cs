namespace SignalRChannels.TypeScript.Tests;

internal static class Repository
{
    /// <summary>The repository root: the directory above the test binaries that holds SignalRChannels.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string ShapesAssembly => typeof(SignalRChannels.TestServer.Shapes.OrderChannel).Assembly.Location;

    /// <summary>The expected module, in the source tree (so UPDATE_EXPECTED=1 rewrites the committed file).</summary>
    public static string ExpectedShapes => Path.Combine(Root, "tests", "SignalRChannels.TypeScript.Tests", "Expected", "shapes.ts");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SignalRChannels.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SignalRChannels.sln not found above " + AppContext.BaseDirectory);
    }
}
