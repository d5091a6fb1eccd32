// Micro-benchmarks of the hot paths (BenchmarkDotNet). Run in Release, for example:
//   dotnet run -c Release --project tests/SignalRChannels.Benchmarks -- --filter '*'
//   dotnet run -c Release --project tests/SignalRChannels.Benchmarks -- --filter '*FanOut*' --job short
// Any BenchmarkDotNet option goes after `--`; results land in artifacts/benchmarks/ under the current directory.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(Environment.CurrentDirectory, "artifacts", "benchmarks"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
