using System.Reflection;
using System.Runtime.InteropServices;

namespace SignalRChannels.TypeScript;

/// <summary>
/// Reads the typed channels of a built assembly with <see cref="MetadataLoadContext"/>: attributes are matched by name,
/// so no app code runs and the generator does not depend on the app's version of SignalRChannels.
/// </summary>
internal static class ContractReader
{
    private const string Namespace = "SignalRChannels.";

    public static MetadataLoadContext CreateContext(string assemblyPath)
    {
        var paths = new List<string>(Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!, "*.dll"));
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        paths.AddRange(Directory.GetFiles(runtime, "*.dll"));

        // ASP.NET Core's shared framework sits beside the runtime's: shared/Microsoft.AspNetCore.App/<version>.
        var shared = Path.GetFullPath(Path.Combine(runtime, "..", ".."));
        var aspNetCore = Path.Combine(shared, "Microsoft.AspNetCore.App");
        if (Directory.Exists(aspNetCore)
            && Directory.GetDirectories(aspNetCore).OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version()).FirstOrDefault() is { } latest)
        {
            paths.AddRange(Directory.GetFiles(latest, "*.dll"));
        }

        return new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
    }

    public static IReadOnlyList<ChannelDeclaration> Read(Assembly assembly)
    {
        var channels = new List<ChannelDeclaration>();
        foreach (var type in GetTypes(assembly).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var attributes = type.GetCustomAttributesData();
            if (attributes.FirstOrDefault(a => a.AttributeType.FullName == Namespace + "ChannelAttribute") is not { } channel)
            {
                continue;
            }

            var template = (string)channel.ConstructorArguments[0].Value!;
            var memberInfo = Named(channel, "MemberInfo") as Type;
            channels.Add(new ChannelDeclaration(
                type.Name,
                template,
                KindOf(template),
                Placeholders(template).Select(p => (p, PropertyType(type, p, template))).ToList(),
                Declared(attributes, "BroadcastsAttribute", payload => payload.Name),
                Declared(attributes, "WhispersAttribute", payload => char.ToLowerInvariant(payload.Name[0]) + payload.Name[1..]),
                memberInfo));
        }

        return channels;
    }

    private static IEnumerable<Type> GetTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.Where(t => t is not null)!;
        }
    }

    private static List<(string, Type)> Declared(IEnumerable<CustomAttributeData> attributes, string name, Func<Type, string> defaultName)
    {
        var declared = new List<(string, Type)>();
        foreach (var attribute in attributes.Where(a => a.AttributeType.FullName == Namespace + name))
        {
            var payload = (Type)attribute.ConstructorArguments[0].Value!;
            declared.Add((Named(attribute, "Name") as string ?? defaultName(payload), payload));
        }

        return declared;
    }

    private static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;

    private static string KindOf(string template) =>
        template.StartsWith("presence-", StringComparison.Ordinal) ? "presence"
        : template.StartsWith("private-", StringComparison.Ordinal) ? "private"
        : "public";

    /// <summary>The <c>{name}</c> placeholders of a template, in order.</summary>
    public static IEnumerable<string> Placeholders(string template)
    {
        var at = 0;
        while ((at = template.IndexOf('{', at)) >= 0)
        {
            var end = template.IndexOf('}', at);
            if (end < 0)
            {
                throw new InvalidOperationException($"'{template}': a '{{' without '}}'.");
            }

            yield return template[(at + 1)..end];
            at = end + 1;
        }
    }

    private static Type PropertyType(Type type, string placeholder, string template) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => string.Equals(p.Name, placeholder, StringComparison.OrdinalIgnoreCase))?.PropertyType
        ?? throw new InvalidOperationException($"{type.Name}: the placeholder {{{placeholder}}} of '{template}' names no public property.");
}
