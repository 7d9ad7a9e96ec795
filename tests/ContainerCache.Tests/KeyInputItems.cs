using ContainerCache.Keys;
using ContainerCache.PublishOutput;
using ContainerCache.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tests;

/// <summary>The items _ContainerCacheCollectInputs gives ComputeContainerCacheKey, made from settings.</summary>
internal static class KeyInputItems
{
    public static ITaskItem[] Of(string publishDirectory, ImageSettings? settings = null, string outputRegistry = "")
    {
        settings ??= new ImageSettings();
        var items = new List<ITaskItem>
        {
            Property("PublishDir", "PublishDirectory", publishDirectory),
            Property("NETCoreSdkVersion", "SdkVersion", settings.SdkVersion),
            Property("ContainerBaseRegistry", "BaseRegistry", settings.BaseRegistry),
            Property("ContainerBaseName", "BaseRepository", settings.BaseRepository),
            Property("ContainerBaseTag", "BaseTag", settings.BaseTag),
            Property("ContainerBaseDigest", "BaseDigest", settings.BaseDigest),
            Property("ContainerRuntimeIdentifier", "RuntimeIdentifier", settings.RuntimeIdentifier),
            Property("ContainerImageFormat", "ImageFormat", settings.ImageFormat),
            Property("ContainerWorkingDirectory", "WorkingDirectory", settings.WorkingDirectory),
            Property("ContainerUser", "User", settings.User),
            Property("ContainerAppCommandInstruction", "AppCommandInstruction", settings.AppCommandInstruction),
            Property("ContainerGenerateLabels", "GenerateLabels", settings.GenerateLabels),
            Property("ContainerGenerateLabelsImageBaseDigest", "GenerateBaseDigestLabel", settings.GenerateBaseDigestLabel),
            Property("ContainerRegistry", "OutputRegistry", outputRegistry),
        };
        items.AddRange(settings.Entrypoint.Select(v => Item(v, "ContainerEntrypoint", "Entrypoint")));
        items.AddRange(settings.EntrypointArgs.Select(v => Item(v, "ContainerEntrypointArgs", "EntrypointArgs")));
        items.AddRange(settings.AppCommand.Select(v => Item(v, "ContainerAppCommand", "AppCommand")));
        items.AddRange(settings.AppCommandArgs.Select(v => Item(v, "ContainerAppCommandArgs", "AppCommandArgs")));
        items.AddRange(settings.DefaultArgs.Select(v => Item(v, "ContainerDefaultArgs", "DefaultArgs")));
        items.AddRange(settings.Labels.Select(l => Item(l.Key, "ContainerLabel", "Labels", ("Value", l.Value))));
        items.AddRange(settings.Ports.Select(p => Item(p.Key, "ContainerPort", "Ports", ("Type", p.Value))));
        items.AddRange(settings.EnvironmentVariables.Select(e => Item(e.Key, "ContainerEnvironmentVariables", "EnvironmentVariables", ("Value", e.Value))));
        return items.ToArray();
    }

    /// <summary>Every input set to <paramref name="value"/>, the items to one item of it.</summary>
    public static ITaskItem[] AllSetTo(string publishDirectory, string value) => Of(
        publishDirectory,
        new ImageSettings
        {
            BaseRegistry = value, BaseRepository = value, BaseTag = value, BaseDigest = value, RuntimeIdentifier = value,
            ImageFormat = value, WorkingDirectory = value, User = value, AppCommandInstruction = value, SdkVersion = value,
            GenerateLabels = value, GenerateBaseDigestLabel = value,
            Entrypoint = [value], EntrypointArgs = [value], AppCommand = [value], AppCommandArgs = [value], DefaultArgs = [value],
            Labels = [new(value.Length == 0 ? "x" : value, value)],
            Ports = [new(value.Length == 0 ? "x" : value, value)],
            EnvironmentVariables = [new(value.Length == 0 ? "x" : value, value)],
        },
        value);

    private static TaskItem Property(string name, string setting, string value) =>
        new(name, new Dictionary<string, string> { ["Setting"] = setting, ["Value"] = value });

    private static TaskItem Item(string spec, string from, string setting, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(spec, new Dictionary<string, string> { ["Setting"] = setting, ["From"] = from });
        foreach (var (name, value) in metadata)
        {
            item.SetMetadata(name, value);
        }

        return item;
    }
}
