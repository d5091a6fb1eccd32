using System.Text.RegularExpressions;
using Xunit;

namespace SignalRChannels.Tests.Docs;

/// <summary>
/// Code in docs/ and the README is quoted from compiled snippets: a block introduced by
/// <c>&lt;!-- snippet: NAME (PATH) --&gt;</c> must equal <c>#region NAME</c> of PATH (which the build compiles).
/// </summary>
public sealed partial class DocsSnippetsTests
{
    public static TheoryData<string, string, string> Snippets()
    {
        var data = new TheoryData<string, string, string>();
        var root = RepositoryFiles.Root;
        var pages = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Append(Path.Combine(root, "README.md"));
        foreach (var page in pages)
        {
            foreach (Match match in SnippetReference().Matches(File.ReadAllText(page)))
            {
                if (!match.Groups["path"].Value.EndsWith(".cs", StringComparison.Ordinal))
                {
                    continue; // TypeScript examples are checked by the client's own test run.
                }

                data.Add(Path.GetRelativePath(root, page), match.Groups["name"].Value, match.Groups["path"].Value);
            }
        }

        return data;
    }

    [Fact]
    public void Docs_QuoteAtLeastOneCompiledSnippet() => Assert.NotEmpty(Snippets());

    [Theory]
    [MemberData(nameof(Snippets))]
    public void DocsSnippet_MatchesTheCompiledRegion(string page, string name, string path)
    {
        var root = RepositoryFiles.Root;
        var text = File.ReadAllText(Path.Combine(root, page));
        var block = Regex.Match(
            text,
            $@"<!-- snippet: {Regex.Escape(name)} \({Regex.Escape(path)}\) -->\s*```csharp\n(?<code>.*?)\n```",
            RegexOptions.Singleline);
        Assert.True(block.Success, $"{page}: no csharp block after the '{name}' snippet marker");

        var source = File.ReadAllText(Path.Combine(root, path));
        var region = Regex.Match(source, $@"#region {Regex.Escape(name)}\n(?<code>.*?)\n\s*#endregion", RegexOptions.Singleline);
        Assert.True(region.Success, $"{path}: no region '{name}'");

        Assert.Equal(Dedent(region.Groups["code"].Value), block.Groups["code"].Value);
    }

    private static string Dedent(string code)
    {
        var lines = code.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"<!-- snippet: (?<name>[\w-]+) \((?<path>[^)]+)\) -->")]
    private static partial Regex SnippetReference();
}
