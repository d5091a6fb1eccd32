using SignalRChannels.TypeScript;

// SignalRChannels.TypeScript --assembly <app.dll> --out <file.ts> [--check] [--string-enums] [--client-module <name>]
// Writes the TypeScript for the app's typed channels, or with --check fails (exit 1) when <file.ts> differs from what
// would be written, so CI catches a committed file that is stale.
return Generator.Run(args, Console.Out, Console.Error);
