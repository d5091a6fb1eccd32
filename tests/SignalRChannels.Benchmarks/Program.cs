// Micro-benchmarks of the hot paths (BenchmarkDotNet). Run in Release:
//   dotnet run -c Release --project tests/SignalRChannels.Benchmarks -- --filter '*'
// Benchmarks run in-process (no generated project to build); add any BenchmarkDotNet option after `--`.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(Environment.CurrentDirectory, "artifacts", "benchmarks"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
