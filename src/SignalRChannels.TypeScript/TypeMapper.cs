using System.Reflection;
using System.Text.Json;

namespace SignalRChannels.TypeScript;

/// <summary>
/// Maps .NET types to the JSON System.Text.Json writes with SignalR's payload defaults (camelCase names, enums as
/// numbers unless converted to strings, dates and ids as strings), collecting each named object and enum once.
/// </summary>
internal sealed class TypeMapper(bool stringEnums)
{
    private static readonly HashSet<string> s_strings =
    [
        "System.String", "System.Char", "System.Guid", "System.DateTime", "System.DateTimeOffset", "System.DateOnly",
        "System.TimeOnly", "System.TimeSpan", "System.Uri", "System.Version",
    ];

    private static readonly HashSet<string> s_numbers =
    [
        "System.Byte", "System.SByte", "System.Int16", "System.UInt16", "System.Int32", "System.UInt32", "System.Int64",
        "System.UInt64", "System.Single", "System.Double", "System.Decimal", "System.Half",
    ];

    private static readonly HashSet<string> s_unknown =
    [
        "System.Object", "System.Text.Json.JsonElement", "System.Text.Json.Nodes.JsonNode", "System.Text.Json.Nodes.JsonObject",
        "System.Text.Json.Nodes.JsonArray", "System.Text.Json.JsonDocument",
    ];

    private static readonly HashSet<string> s_sequences =
    [
        "System.Collections.Generic.List`1", "System.Collections.Generic.IList`1", "System.Collections.Generic.IReadOnlyList`1",
        "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.ICollection`1",
        "System.Collections.Generic.IReadOnlyCollection`1", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.ISet`1",
        "System.Collections.Generic.IReadOnlySet`1", "System.Collections.Immutable.ImmutableArray`1",
        "System.Collections.Immutable.ImmutableList`1", "System.Collections.Immutable.IImmutableList`1",
    ];

    private static readonly HashSet<string> s_dictionaries =
    [
        "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.IDictionary`2",
        "System.Collections.Generic.IReadOnlyDictionary`2", "System.Collections.Immutable.ImmutableDictionary`2",
    ];

    private readonly NullabilityInfoContext _nullability = new();
    private readonly Dictionary<Type, string> _named = [];
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly List<TsDeclaration> _declarations = [];

    /// <summary>Every named declaration met so far, in the order first met.</summary>
    public IReadOnlyList<TsDeclaration> Declarations => _declarations;

    /// <summary>The shape of a payload type (not null itself).</summary>
    public TsShape Map(Type type) => Map(type, null);

    private TsShape Map(Type type, NullabilityInfo? nullability)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1")
        {
            return new TsShape.Nullable(Map(type.GetGenericArguments()[0], null));
        }

        var shape = MapNotNull(type, nullability);
        return !type.IsValueType && nullability?.ReadState == NullabilityState.Nullable ? new TsShape.Nullable(shape) : shape;
    }

    private TsShape MapNotNull(Type type, NullabilityInfo? nullability)
    {
        var name = type.FullName ?? type.Name;
        if (s_strings.Contains(name))
        {
            return new TsShape.Primitive("string");
        }

        if (s_numbers.Contains(name))
        {
            return new TsShape.Primitive("number");
        }

        if (name == "System.Boolean")
        {
            return new TsShape.Primitive("boolean");
        }

        if (s_unknown.Contains(name))
        {
            return new TsShape.Primitive("unknown");
        }

        if (type.IsArray)
        {
            return name == "System.Byte[]"
                ? new TsShape.Primitive("string") // base64
                : new TsShape.Array(Map(type.GetElementType()!, nullability?.ElementType));
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition().FullName!;
            var arguments = type.GetGenericArguments();
            if (s_sequences.Contains(definition))
            {
                return new TsShape.Array(Map(arguments[0], Argument(nullability, 0)));
            }

            if (s_dictionaries.Contains(definition) && arguments[0].FullName == "System.String")
            {
                return new TsShape.Record(Map(arguments[1], Argument(nullability, 1)));
            }
        }

        return new TsShape.Ref(Declare(type));
    }

    private static NullabilityInfo? Argument(NullabilityInfo? info, int index) =>
        info is { GenericTypeArguments.Length: > 0 } ? info.GenericTypeArguments[Math.Min(index, info.GenericTypeArguments.Length - 1)] : null;

    private string Declare(Type type)
    {
        if (_named.TryGetValue(type, out var known))
        {
            return known;
        }

        var name = UniqueName(type);
        _named[type] = name;
        if (type.IsEnum)
        {
            _declarations.Add(DeclareEnum(type, name));
            return name;
        }

        // Registered before the properties are mapped, so a type that refers to itself ends.
        var properties = new List<(string, TsShape)>();
        var declaration = new TsDeclaration.Object(name, type.FullName ?? type.Name, properties);
        _declarations.Add(declaration);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0 || IsIgnored(property))
            {
                continue;
            }

            properties.Add((JsonName(property), Map(property.PropertyType, _nullability.Create(property))));
        }

        return name;
    }

    private TsDeclaration.Enum DeclareEnum(Type type, string name)
    {
        var asStrings = stringEnums || type.GetCustomAttributesData().Any(a =>
            a.AttributeType.FullName == "System.Text.Json.Serialization.JsonConverterAttribute"
            && a.ConstructorArguments.FirstOrDefault().Value is Type converter
            && converter.FullName?.StartsWith("System.Text.Json.Serialization.JsonStringEnumConverter", StringComparison.Ordinal) == true);
        var values = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.Name, asStrings ? (object)f.Name : Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        return new TsDeclaration.Enum(name, type.FullName ?? type.Name, values);
    }

    private string UniqueName(Type type)
    {
        var name = type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Join("And", type.GetGenericArguments().Select(a => a.Name))
            : type.Name;
        var unique = name;
        for (var i = 2; !_usedNames.Add(unique); i++)
        {
            unique = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return unique;
    }

    private static bool IsIgnored(PropertyInfo property) =>
        property.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Text.Json.Serialization.JsonIgnoreAttribute"
            && (a.NamedArguments.Count == 0 || a.NamedArguments.Any(n => n.MemberName == "Condition" && Convert.ToInt32(n.TypedValue.Value, System.Globalization.CultureInfo.InvariantCulture) == 1)));

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType.FullName == "System.Text.Json.Serialization.JsonPropertyNameAttribute")?
            .ConstructorArguments[0].Value as string
        ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
