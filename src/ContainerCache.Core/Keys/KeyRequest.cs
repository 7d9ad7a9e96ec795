namespace ContainerCache.Keys;

/// <summary>What one key computation is given: the task's inputs, already read.</summary>
internal sealed class KeyRequest
{
    public string PublishDirectory { get; set; } = "";

    public string KeyFile { get; set; } = "";

    /// <summary>A second copy of the key file, in obj/, so that the next publish can explain itself even when bin/ is gone.</summary>
    public string LastKeyFile { get; set; } = "";

    /// <summary>Where to set aside the key the last publish left, before anything is written; empty when the caller keeps it.</summary>
    public string PreviousKeyFile { get; set; } = "";

    /// <summary>Where the key file is written before it is renamed into place; by default the system's temporary folder.</summary>
    public string TemporaryDirectory { get; set; } = "";

    /// <summary>Where the content hashes are kept between publishes (see <see cref="HashCache"/>); empty reads every file.</summary>
    public string HashCacheFile { get; set; } = "";

    public string TagPrefix { get; set; } = "";

    /// <summary>The settings the key covers; <see cref="ImageSettings.BaseDigest"/> as the SDK was given it.</summary>
    public ImageSettings Settings { get; set; } = new();

    /// <summary>An earlier key file to explain the key against.</summary>
    public string Baseline { get; set; } = "";

    /// <summary>True when the user named the baseline: then it must exist and be readable (CONTAINERCACHE1008).</summary>
    public bool BaselineIsExplicit { get; set; }
}
