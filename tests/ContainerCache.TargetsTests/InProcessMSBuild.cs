using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using Microsoft.Build.Framework;
using Microsoft.Build.Logging;
using System.Text.Json;

namespace ContainerCache.TargetsTests;

/// <summary>
/// Runs what a <c>dotnet msbuild</c> command line asks (targets, -p, -getProperty, -getItem) with
/// the SDK's own MSBuild loaded into the test process (Microsoft.Build.Locator, registered in
/// <see cref="Targets.Initialize"/>), and answers as the command line does: exit code, the JSON of
/// -getProperty/-getItem, and the same file logs. One process start, JIT and parse of the SDK's
/// targets for all cases instead of one per case: about 2 s of CPU a case before, a fraction now.
/// </summary>
/// <remarks>
/// Kept apart from <see cref="Targets"/> and <see cref="TestProject"/> so that no MSBuild type is
/// loaded before the locator has pointed the process at the SDK's MSBuild.
/// </remarks>
internal static class InProcessMSBuild
{
    // One build at a time: MSBuild's build manager holds one build session, and sets the process's
    // current directory to the project's while it builds.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>
    /// The command line split into what this runner understands, or null when it holds anything
    /// else (such as -bl): then the case runs a real <c>dotnet msbuild</c>.
    /// </summary>
    public static Request? Parse(IEnumerable<string> arguments)
    {
        var request = new Request();
        foreach (string argument in arguments)
        {
            if (argument is "-restore" or "-r")
            {
                request.Restore = true;
                continue;
            }

            if (!TrySplit(argument, out string name, out string value))
            {
                return null;
            }

            switch (name)
            {
                case "t" or "target":
                    request.Targets.AddRange(value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "p" or "property":
                    int equals = value.IndexOf('=');
                    if (equals <= 0)
                    {
                        return null;
                    }

                    // As the command line reads it: quotes around a value keep its semicolons in it.
                    string propertyValue = value[(equals + 1)..];
                    if (propertyValue.Length >= 2 && propertyValue[0] == '"' && propertyValue[^1] == '"')
                    {
                        propertyValue = propertyValue[1..^1];
                    }
                    else if (propertyValue.Contains(';') || propertyValue.Contains('"'))
                    {
                        return null;
                    }

                    request.Properties[value[..equals].Trim()] = propertyValue;
                    break;
                case "getproperty":
                    request.GetProperties.Add(value);
                    break;
                case "getitem":
                    request.GetItems.Add(value);
                    break;
                case "v" or "verbosity" when value is "q" or "quiet" or "m" or "minimal" or "n" or "normal" or "d" or "detailed" or "diag" or "diagnostic":
                    // What the console would show: the log that stands for it (MSBuildResult.Log) at that verbosity.
                    request.Verbosity = value;
                    break;
                default:
                    return null;
            }
        }

        // -restore with nothing to build would be a restore and an evaluation: no case needs it.
        return request.Restore && request.Targets.Count == 0 ? null : request;
    }

    private static bool TrySplit(string argument, out string name, out string value)
    {
        name = value = "";
        if (argument.Length < 2 || argument[0] is not ('-' or '/'))
        {
            return false;
        }

        int colon = argument.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        name = argument[1..colon].ToLowerInvariant();
        value = argument[(colon + 1)..];
        return true;
    }

    /// <summary>Evaluates the project, and builds the targets if any were asked for.</summary>
    public static async Task<(int ExitCode, string StandardOutput)> RunAsync(string projectFile, Request request, string minimalLog, string normalLog)
    {
        await OneAtATime.WaitAsync();
        try
        {
            return Run(projectFile, request, minimalLog, normalLog);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static (int ExitCode, string StandardOutput) Run(string projectFile, Request request, string minimalLog, string normalLog)
    {
        var properties = new Dictionary<string, string>(request.Properties, StringComparer.OrdinalIgnoreCase)
        {
            // What `dotnet msbuild -p:Configuration=Release` would have set.
            ["Configuration"] = request.Properties.GetValueOrDefault("Configuration", "Release"),
        };
        ILogger[] loggers =
        [
            new FileLogger { Parameters = $"LogFile={minimalLog};Verbosity={request.Verbosity}" },
            new FileLogger { Parameters = $"LogFile={normalLog};Verbosity=normal" },
        ];

        // A collection per run: nothing one run evaluated is seen by another. The parsed XML of the
        // files they import is shared, as in the MSBuild server: the SDK's hundred-odd .props and
        // .targets parsed once, not once a run (more than half of a run's CPU). A file written since it
        // was parsed (a case rewrites its project between runs) is parsed again: the shared cache
        // compares its modification time.
        using var collection = new ProjectCollection(
            properties, loggers, null, ToolsetDefinitionLocations.Default, maxNodeCount: 1, onlyLogCriticalEvents: false,
            loadProjectsReadOnly: false, useAsynchronousLogging: false, reuseProjectRootElementCache: true);
        ProjectInstance? state;
        bool succeeded;
        if (request.Targets.Count == 0)
        {
            // -getProperty/-getItem without -t: evaluation only, as the command line does it.
            try
            {
                state = new ProjectInstance(projectFile, properties, null, collection);
                succeeded = true;
            }
            catch (Microsoft.Build.Exceptions.InvalidProjectFileException)
            {
                // Logged to the loggers by the evaluation.
                state = null;
                succeeded = false;
            }
            finally
            {
                collection.UnregisterAllLoggers();
            }
        }
        else
        {
            var parameters = new BuildParameters(collection)
            {
                Loggers = loggers,
                EnableNodeReuse = false,
                MaxNodeCount = 1,
            };
            var data = new BuildRequestData(projectFile, properties.ToDictionary(p => p.Key, p => (string?)p.Value), null, [.. request.Targets], null, BuildRequestDataFlags.ProvideProjectStateAfterBuild);
            BuildManager manager = BuildManager.DefaultBuildManager;
            manager.BeginBuild(parameters);
            try
            {
                BuildResult? restored = request.Restore ? manager.BuildRequest(RestoreRequest(projectFile, properties)) : null;
                if (restored is { OverallResult: not BuildResultCode.Success })
                {
                    state = null;
                    succeeded = false;
                }
                else
                {
                    BuildResult result = manager.BuildRequest(data);
                    state = result.ProjectStateAfterBuild;
                    succeeded = result.OverallResult == BuildResultCode.Success;
                }
            }
            finally
            {
                manager.EndBuild();
            }
        }

        if (!succeeded || state is null || (request.GetProperties.Count == 0 && request.GetItems.Count == 0))
        {
            return (succeeded ? 0 : 1, "");
        }

        return (0, Answer(state, request));
    }

    /// <summary>
    /// The restore that -restore runs before the build, in the same build session, as the command
    /// line does it (MSBuild's XMake.ExecuteRestore): the Restore target alone, under global
    /// properties of its own, so that the build after it evaluates the project again and sees what
    /// the restore wrote (obj/*.nuget.g.props, project.assets.json).
    /// </summary>
    private static BuildRequestData RestoreRequest(string projectFile, Dictionary<string, string> properties) =>
        new(
            projectFile,
            new Dictionary<string, string?>(properties.ToDictionary(p => p.Key, p => (string?)p.Value), StringComparer.OrdinalIgnoreCase)
            {
                ["MSBuildRestoreSessionId"] = Guid.NewGuid().ToString("D"),
                ["MSBuildIsRestoring"] = bool.TrueString,
            },
            null,
            ["Restore"],
            null,
            BuildRequestDataFlags.ClearCachesAfterBuild | BuildRequestDataFlags.SkipNonexistentTargets
                | BuildRequestDataFlags.IgnoreMissingEmptyAndInvalidImports | BuildRequestDataFlags.FailOnUnresolvedSdk);

    /// <summary>The JSON that -getProperty and -getItem print.</summary>
    private static string Answer(ProjectInstance state, Request request)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (request.GetProperties.Count > 0)
            {
                json.WriteStartObject("Properties");
                foreach (string name in request.GetProperties)
                {
                    json.WriteString(name, state.GetPropertyValue(name));
                }

                json.WriteEndObject();
            }

            if (request.GetItems.Count > 0)
            {
                json.WriteStartObject("Items");
                foreach (string type in request.GetItems)
                {
                    json.WriteStartArray(type);
                    foreach (ProjectItemInstance item in state.GetItems(type))
                    {
                        json.WriteStartObject();
                        json.WriteString("Identity", item.EvaluatedInclude);
                        foreach (string name in ((ITaskItem)item).MetadataNames.Cast<string>())
                        {
                            if (name != "Identity")
                            {
                                json.WriteString(name, item.GetMetadataValue(name));
                            }
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public sealed class Request
    {
        /// <summary>-restore: the Restore target first, in a build of its own (<see cref="RestoreRequest"/>).</summary>
        public bool Restore { get; set; }

        public List<string> Targets { get; } = [];

        public Dictionary<string, string> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> GetProperties { get; } = [];

        public List<string> GetItems { get; } = [];

        /// <summary>-v: the verbosity of the log a case reads, minimal as dotnet publish's by default.</summary>
        public string Verbosity { get; set; } = "minimal";
    }
}
