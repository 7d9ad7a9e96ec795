using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ContainerCache.Diagnostics;
using ContainerCache.Keys;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// The key of a multi-platform publish's image index, from its platform images' keys (see
/// <see cref="IndexKey"/>), and its tag; added to the publish's key file when one is given.
/// </summary>
public sealed class ComputeContainerIndexKey : ContainerCacheTask
{
    /// <summary>One item per runtime identifier, with the key of its platform image as Key metadata.</summary>
    [Required]
    public ITaskItem[] PlatformKeys { get; set; } = Array.Empty<ITaskItem>();

    public string TagPrefix { get; set; } = "";

    /// <summary>The key file to add the index's key to; none when empty or missing.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Where the key file is written before it is renamed into place.</summary>
    public string TemporaryDirectory { get; set; } = "";

    [Output]
    public string Key { get; private set; } = "";

    [Output]
    public string Tag { get; private set; } = "";

    protected override void ExecuteCore()
    {
        var platforms = new List<KeyValuePair<string, string>>();
        foreach (ITaskItem item in PlatformKeys)
        {
            string key = item.GetMetadata("Key");
            LogInput("ContainerCacheImageKey", item.ItemSpec + "=" + key);
            platforms.Add(new KeyValuePair<string, string>(item.ItemSpec, key));
        }

        KeyComputation.CheckTagPrefix(TagPrefix);
        try
        {
            Key = IndexKey.Compute(platforms);
        }
        catch (ArgumentException e)
        {
            throw new ContainerCacheException(DiagnosticMessages.PlatformKeysInvalid.With(e.Message));
        }

        Tag = TagPrefix + Key;
        LogOutput("ContainerCacheIndexKey", Key);
        LogOutput("ContainerCacheIndexTag", Tag);

        if (KeyFile.Length > 0 && File.Exists(KeyFile))
        {
            string text;
            try
            {
                text = File.ReadAllText(KeyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ContainerCacheException(DiagnosticMessages.KeyFileUnreadableForIndex.With(KeyFile, e.Message));
            }

            Keys.KeyFile.WriteIfChanged(KeyFile, Keys.KeyFile.WithIndex(text, Key, Tag, platforms), TemporaryDirectory, "ContainerCacheKeyFile");
        }

        Log.LogMessage(MessageImportance.High, "ContainerCache: image index key {0}, from {1}.", Key, string.Join(", ", platforms.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
    }
}
