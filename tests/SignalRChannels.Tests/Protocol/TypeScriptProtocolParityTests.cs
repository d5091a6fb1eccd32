using System.Text.RegularExpressions;

namespace SignalRChannels.Tests.Protocol;

/// <summary>
/// The TypeScript client declares the protocol's names in its own source; these tests read that source and fail
/// when its lists and the C# protocol package differ in either direction.
/// </summary>
public sealed partial class TypeScriptProtocolParityTests
{
    private static readonly string s_channelError = RepositoryFiles.ReadAllText("clients", "typescript", "src", "ChannelError.ts");
    private static readonly string s_protocol = RepositoryFiles.ReadAllText("clients", "typescript", "src", "protocol.ts");
    private static readonly string s_channel = RepositoryFiles.ReadAllText("clients", "typescript", "src", "Channel.ts");

    [Fact]
    public void ErrorCodeType_ListsEveryCSharpCodeAndUnknown()
    {
        var declared = Literals(Block(s_channelError, "export type ChannelErrorCode =", ";"));

        AssertSameSet([.. ChannelErrorCodes.All, ChannelErrorCodes.Unknown], declared);
    }

    [Fact]
    public void KnownErrorCodes_AreTheCSharpCodes()
    {
        var declared = Literals(Block(s_channelError, "const knownCodes", ");"));

        AssertSameSet(ChannelErrorCodes.All, declared);
    }

    [Fact]
    public void ReservedEvents_AreTheCSharpReservedNamesAndClientPrefix()
    {
        var declared = ObjectValues(Block(s_protocol, "export const ReservedEvents =", "} as const;"));

        AssertSameSet([.. EventNames.Reserved, EventNames.ClientPrefix], declared.Values);
        Assert.Equal(EventNames.ClientPrefix, declared["whisperPrefix"]);
    }

    [Fact]
    public void IsReserved_ChecksTheCSharpReservedPrefixes()
    {
        var body = Block(s_channel, "function isReserved(", "\n}");
        var prefixes = Literals(body);
        if (body.Contains("ReservedEvents.whisperPrefix", StringComparison.Ordinal))
        {
            prefixes.Add(EventNames.ClientPrefix);
        }

        AssertSameSet(EventNames.ReservedPrefixes, prefixes);
    }

    [Fact]
    public void ChannelPrefixes_AreTheCSharpPrefixes()
    {
        var declared = ObjectValues(Block(s_protocol, "export const ChannelPrefixes =", "} as const;"));

        Assert.Equal(ChannelNameRules.PrivatePrefix, declared["private"]);
        Assert.Equal(ChannelNameRules.PresencePrefix, declared["presence"]);
        Assert.Equal(2, declared.Count);
    }

    [Fact]
    public void HubMethodsAndClientMethod_AreTheCSharpNames()
    {
        var declared = ObjectValues(Block(s_protocol, "export const HubMethods =", "} as const;"));
        var clientMethod = Literals(Block(s_protocol, "export const ClientMethod =", ";"));

        // Heartbeat is optional for clients (DESIGN §9); the TypeScript client calls it by default.
        string[] expected =
        [
            ChannelHubMethods.Subscribe, ChannelHubMethods.SubscribeMany, ChannelHubMethods.Unsubscribe, ChannelHubMethods.Whisper,
            ChannelHubMethods.GetMembers, ChannelHubMethods.GetMembersPage, ChannelHubMethods.GetHistory, ChannelHubMethods.GetSocketId,
            ChannelHubMethods.Heartbeat,
        ];
        AssertSameSet(expected, declared.Values);
        Assert.Equal([ChannelHubMethods.ChannelEvent], clientMethod);
    }

    [Fact]
    public void ChannelHub_DeclaresEveryHubMethodName()
    {
        var methods = typeof(ChannelHub).GetMethods().Where(m => m.DeclaringType == typeof(ChannelHub)).Select(m => m.Name).ToHashSet();
        string[] names =
        [
            ChannelHubMethods.Subscribe, ChannelHubMethods.SubscribeMany, ChannelHubMethods.Unsubscribe, ChannelHubMethods.Whisper,
            ChannelHubMethods.GetMembers, ChannelHubMethods.GetMembersPage, ChannelHubMethods.GetHistory, ChannelHubMethods.GetSocketId,
            ChannelHubMethods.Heartbeat,
        ];

        Assert.All(names, name => Assert.Contains(name, methods));
        Assert.Equal(ChannelHubMethods.ChannelEvent, ChannelEvent.ClientMethodName);
    }

    private static void AssertSameSet(IEnumerable<string> csharp, IEnumerable<string> typescript)
    {
        var expected = csharp.ToHashSet(StringComparer.Ordinal);
        var actual = typescript.ToHashSet(StringComparer.Ordinal);
        Assert.True(
            expected.SetEquals(actual),
            $"only in C#: [{string.Join(", ", expected.Except(actual))}]; only in TypeScript: [{string.Join(", ", actual.Except(expected))}]");
    }

    /// <summary>The text from <paramref name="start"/> to the first <paramref name="end"/> after it.</summary>
    private static string Block(string source, string start, string end)
    {
        var from = source.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found in the TypeScript source");
        var to = source.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        Assert.True(to >= 0, $"no '{end}' after '{start}' in the TypeScript source");
        return source[(from + start.Length)..to];
    }

    private static List<string> Literals(string code) => [.. StringLiteral().Matches(code).Select(m => m.Groups["value"].Value)];

    private static Dictionary<string, string> ObjectValues(string code) =>
        ObjectEntry().Matches(code).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);

    [GeneratedRegex("\"(?<value>[^\"\\\\]*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("(?<key>[A-Za-z_$][\\w$]*)\\s*:\\s*\"(?<value>[^\"\\\\]*)\"")]
    private static partial Regex ObjectEntry();
}
