namespace ContainerCache.Keys;

/// <summary>
/// One setting of the key's input: its name and a salted hash of its encoded values, never the
/// values. The values stay in memory, for comparing with an earlier key file.
/// </summary>
internal sealed class KeyedSetting
{
    internal KeyedSetting(string name, string hash, ContainerSetting setting)
    {
        Name = name;
        Hash = hash;
        Setting = setting;
    }

    public string Name { get; }

    /// <summary>See <see cref="ContentKey.SettingHash"/>.</summary>
    public string Hash { get; }

    internal ContainerSetting Setting { get; }
}
