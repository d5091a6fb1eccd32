namespace SignalRChannels.TypeScript;

/// <summary>The command line: read the assembly, write the module or check it.</summary>
internal static class Generator
{
    public const string DefaultClientModule = "@signalr-channels/client";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? assembly = null, file = null;
        var check = false;
        var stringEnums = false;
        var clientModule = DefaultClientModule;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--assembly" when i + 1 < args.Count: assembly = args[++i]; break;
                case "--out" when i + 1 < args.Count: file = args[++i]; break;
                case "--client-module" when i + 1 < args.Count: clientModule = args[++i]; break;
                case "--check": check = true; break;
                case "--string-enums": stringEnums = true; break;
                default:
                    error.WriteLine($"SignalRChannels.TypeScript: unknown argument '{args[i]}'. Usage: --assembly <app.dll> --out <file.ts> [--check] [--string-enums] [--client-module <name>]");
                    return 2;
            }
        }

        if (assembly is null || file is null)
        {
            error.WriteLine("SignalRChannels.TypeScript: --assembly and --out are required.");
            return 2;
        }

        string generated;
        try
        {
            generated = Generate(assembly, stringEnums, clientModule);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or BadImageFormatException)
        {
            // MSBuild's canonical error format, so the build reports it as an error with its reason.
            error.WriteLine($"{assembly}: error CHTS002: SignalRChannels.TypeScript could not read the typed channels: {ex.Message}");
            return 1;
        }

        var existing = File.Exists(file) ? File.ReadAllText(file).ReplaceLineEndings("\n") : null;
        if (check)
        {
            if (existing == generated)
            {
                output.WriteLine($"SignalRChannels.TypeScript: {file} is up to date.");
                return 0;
            }

            error.WriteLine($"{file}: error CHTS001: the generated TypeScript is stale: it does not match the typed channels of {Path.GetFileName(assembly)}. Build without -p:ChannelsTypeScriptCheck=true to regenerate it, and commit it.");
            return 1;
        }

        if (existing != generated)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.WriteAllText(file, generated);
            output.WriteLine($"SignalRChannels.TypeScript: wrote {file}.");
        }

        return 0;
    }

    public static string Generate(string assemblyPath, bool stringEnums, string clientModule = DefaultClientModule)
    {
        using var context = ContractReader.CreateContext(assemblyPath);
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        return TypeScriptWriter.Write(Path.GetFileName(assemblyPath), ContractReader.Read(assembly), stringEnums, clientModule);
    }
}
