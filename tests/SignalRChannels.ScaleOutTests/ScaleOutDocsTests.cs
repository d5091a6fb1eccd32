using System.Text.RegularExpressions;

namespace SignalRChannels.ScaleOutTests;

/// <summary>docs/scaleout.md shows the nginx configuration the tests run, not a copy that drifted away from it.</summary>
public sealed partial class ScaleOutDocsTests
{
    [Fact]
    public void ScaleOutPage_ShowsTheTestedProxyDirectives_InTheirOrder()
    {
        var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "nginx.conf.template"));
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "scaleout.md"));
        var shown = NginxBlock().Match(page);
        Assert.True(shown.Success, "docs/scaleout.md has no nginx block");

        var tested = Directives(Section(template, "map $http_upgrade")).Concat(Directives(Section(template, "location / {"))).ToList();
        var documented = Directives(shown.Groups["code"].Value).ToList();
        Assert.NotEmpty(tested);
        var position = 0;
        foreach (var line in tested)
        {
            var found = documented.IndexOf(line, position);
            Assert.True(found >= 0, $"docs/scaleout.md does not show '{line}' (in this order) from nginx.conf.template");
            position = found + 1;
        }
    }

    /// <summary>The block that starts at the line containing <paramref name="start"/>, up to its closing brace.</summary>
    private static string Section(string text, string start)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"nginx.conf.template has no '{start}'");
        var depth = 0;
        for (var i = text.IndexOf('{', from); i < text.Length; i++)
        {
            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return text[from..(i + 1)];
            }
        }

        return text[from..];
    }

    private static IEnumerable<string> Directives(string block) =>
        block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static string RepositoryRoot()
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

    [GeneratedRegex(@"```nginx\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex NginxBlock();
}
