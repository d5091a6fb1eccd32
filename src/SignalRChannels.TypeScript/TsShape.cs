namespace SignalRChannels.TypeScript;

/// <summary>A payload type as the JSON serializer writes it, ready to print as TypeScript or as a validation schema.</summary>
internal abstract record TsShape
{
    /// <summary><c>string</c>, <c>number</c>, <c>boolean</c> or <c>unknown</c>.</summary>
    public sealed record Primitive(string Name) : TsShape;

    public sealed record Nullable(TsShape Inner) : TsShape;

    public sealed record Array(TsShape Element) : TsShape;

    /// <summary>A dictionary with string keys.</summary>
    public sealed record Record(TsShape Value) : TsShape;

    /// <summary>A named object or enum, printed once as its own declaration.</summary>
    public sealed record Ref(string Name) : TsShape;
}

/// <summary>A named declaration: an object's properties or an enum's values.</summary>
internal abstract record TsDeclaration(string Name, string Source)
{
    public sealed record Object(string Name, string Source, IReadOnlyList<(string JsonName, TsShape Shape)> Properties) : TsDeclaration(Name, Source);

    /// <summary>An enum's values: names (string enums) or numbers.</summary>
    public sealed record Enum(string Name, string Source, IReadOnlyList<(string Member, object Value)> Values) : TsDeclaration(Name, Source);
}
