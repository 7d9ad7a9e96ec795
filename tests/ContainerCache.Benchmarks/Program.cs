// The hashing core's benchmarks (BenchmarkDotNet), each class against a named peer, its Baseline:
// the Ratio column is package time / peer time, measured in one run on one machine.
//
//   bash tests/benchmarks/core.sh                            # every benchmark, then the tables
//   dotnet run -c Release --project tests/ContainerCache.Benchmarks -- --filter '*Stream*'
//   dotnet run -c Release --project tests/ContainerCache.Benchmarks -- write-tree large DIR
//                                 # writes a benchmark tree (large, small, tiny), prints "FILES BYTES"
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ContainerCache.Benchmarks;

if (args is ["write-tree", string kind, string directory])
{
    BenchmarkTree.Write(kind, directory);
    (int files, long bytes) = BenchmarkTree.Measure(kind);
    Console.WriteLine($"{files} {bytes}");
    return 0;
}

// Short enough for a few minutes on 2 cores: 2 warm-up and 7 measured iterations per benchmark
// (--warmupCount and --iterationCount change them). A job given on the command line (--job short,
// --job medium) is used instead: BenchmarkDotNet would otherwise keep these counts over its own.
IConfig config = DefaultConfig.Instance;
if (!args.Any(arg => arg is "--job" or "-j" || arg.StartsWith("--job=", StringComparison.Ordinal)))
{
    config = config.AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(7).AsDefault());
}

// Results go under the repository's artifacts/ (ignored by git), not into the working directory.
if (!args.Contains("--artifacts") && RepositoryRoot() is string root)
{
    config = config.WithArtifactsPath(Path.Combine(root, "artifacts", "benchmarks", "core"));
}

IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

// A benchmark that failed (a setup's check included) fails the run, so that scripts notice.
return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;

static string? RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "ContainerCache.sln")))
        {
            return directory.FullName;
        }
    }

    return null;
}
