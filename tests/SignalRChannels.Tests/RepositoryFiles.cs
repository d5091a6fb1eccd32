namespace SignalRChannels.Tests;

/// <summary>Files of the repository the tests run in (found by walking up to <c>SignalRChannels.sln</c>).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string ReadAllText(params string[] relativePath) =>
        File.ReadAllText(Path.Combine([Root, .. relativePath]));

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SignalRChannels.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("SignalRChannels.sln not found above the test directory.");
    }
}
