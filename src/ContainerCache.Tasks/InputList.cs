using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// The key's inputs as _ContainerCacheCollectInputs lists them, one item each, read into the
/// settings the key covers. The list, not the task's parameters, says which SDK name feeds which
/// setting, so that a new setting is added in one place of the targets and one here.
/// </summary>
internal sealed class InputList
{
    /// <summary>Settings that come from one SDK property each, with its value in <c>Value</c>.</summary>
    private static readonly string[] PropertySettings =
    {
        "PublishDirectory", "SdkVersion", "BaseRegistry", "BaseRepository", "BaseTag", "BaseDigest", "RuntimeIdentifier",
        "ImageFormat", "WorkingDirectory", "User", "AppCommandInstruction", "GenerateLabels", "GenerateBaseDigestLabel",
        "OutputRegistry",
    };

    /// <summary>Settings that come from the items of one SDK item type each.</summary>
    private static readonly string[] ItemSettings =
    {
        "Entrypoint", "EntrypointArgs", "AppCommand", "AppCommandArgs", "DefaultArgs", "Labels", "Ports", "EnvironmentVariables",
    };

    /// <summary>Settings whose values may be secrets: logged by name only, never written.</summary>
    private static readonly string[] NamesOnly = { "Labels", "EnvironmentVariables" };

    private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ITaskItem>> _items = new(StringComparer.Ordinal);

    /// <exception cref="InvalidOperationException">The list does not match this task: a bug of the package, never the user's input.</exception>
    public InputList(IEnumerable<ITaskItem> inputs, Action<string, string> logInput)
    {
        foreach (ITaskItem input in inputs)
        {
            string setting = input.GetMetadata("Setting");
            if (PropertySettings.Contains(setting, StringComparer.Ordinal))
            {
                if (_properties.ContainsKey(setting))
                {
                    throw new InvalidOperationException($"The key's input {setting} is listed twice.");
                }

                _properties[setting] = input.GetMetadata("Value");
                logInput(input.ItemSpec, input.GetMetadata("Value"));
            }
            else if (ItemSettings.Contains(setting, StringComparer.Ordinal))
            {
                if (!_items.TryGetValue(setting, out List<ITaskItem>? items))
                {
                    _items[setting] = items = new List<ITaskItem>();
                }

                items.Add(input);
            }
            else
            {
                throw new InvalidOperationException($"The key has no input '{setting}' (item '{input.ItemSpec}').");
            }
        }

        foreach (KeyValuePair<string, List<ITaskItem>> items in _items)
        {
            string from = items.Value[0].GetMetadata("From");
            string values = items.Key switch
            {
                _ when NamesOnly.Contains(items.Key, StringComparer.Ordinal) => string.Join(";", items.Value.Select(i => i.ItemSpec)) + " (names only)",
                "Ports" => string.Join(";", items.Value.Select(i => i.ItemSpec + "/" + i.GetMetadata("Type"))),
                _ => string.Join(";", items.Value.Select(i => i.ItemSpec)),
            };
            logInput(from, values);
        }
    }

    public string PublishDirectory => Property("PublishDirectory");

    /// <summary>The registry images are pushed to: when the base is there too, the SDK's push credentials apply. Not in the key.</summary>
    public string OutputRegistry => Property("OutputRegistry");

    /// <summary>The settings the key covers, with the base image's digest as the SDK was given it (ContainerBaseDigest).</summary>
    public ImageSettings Settings() => new()
    {
        BaseRegistry = Property("BaseRegistry"),
        BaseRepository = Property("BaseRepository"),
        BaseTag = Property("BaseTag"),
        BaseDigest = Property("BaseDigest"),
        RuntimeIdentifier = Property("RuntimeIdentifier"),
        ImageFormat = Property("ImageFormat"),
        WorkingDirectory = Property("WorkingDirectory"),
        User = Property("User"),
        AppCommandInstruction = Property("AppCommandInstruction"),
        SdkVersion = Property("SdkVersion"),
        GenerateLabels = Property("GenerateLabels"),
        GenerateBaseDigestLabel = Property("GenerateBaseDigestLabel"),
        Entrypoint = Specs("Entrypoint"),
        EntrypointArgs = Specs("EntrypointArgs"),
        AppCommand = Specs("AppCommand"),
        AppCommandArgs = Specs("AppCommandArgs"),
        DefaultArgs = Specs("DefaultArgs"),
        Labels = Pairs("Labels", "Value"),
        EnvironmentVariables = Pairs("EnvironmentVariables", "Value"),
        Ports = Pairs("Ports", "Type"),
    };

    private string Property(string setting) => _properties.TryGetValue(setting, out string? value) ? value : "";

    private IReadOnlyList<ITaskItem> Items(string setting) => _items.TryGetValue(setting, out List<ITaskItem>? items) ? items : (IReadOnlyList<ITaskItem>)Array.Empty<ITaskItem>();

    private string[] Specs(string setting) => Items(setting).Select(i => i.ItemSpec).ToArray();

    private KeyValuePair<string, string>[] Pairs(string setting, string metadata) =>
        Items(setting).Select(i => new KeyValuePair<string, string>(i.ItemSpec, i.GetMetadata(metadata))).ToArray();
}
