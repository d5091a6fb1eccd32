namespace SignalRChannels.TypeScript;

/// <summary>One typed channel as the generator read it from the app's <c>[Channel]</c> record.</summary>
internal sealed record ChannelDeclaration(
    string TypeName,
    string Template,
    string Kind,
    IReadOnlyList<(string Name, Type Type)> Parameters,
    IReadOnlyList<(string Name, Type Payload)> Events,
    IReadOnlyList<(string Name, Type Payload)> Whispers,
    Type? MemberInfo);
