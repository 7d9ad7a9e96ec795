using ContainerCache.Keys;

namespace ContainerCache.Tasks;

/// <summary>A publish's key and what its image's key needs besides: the registry pushed to, whose credentials apply to a base image there.</summary>
internal sealed class ComputedKey
{
    public ComputedKey(KeyResult result, string outputRegistry)
    {
        Result = result;
        OutputRegistry = outputRegistry;
    }

    public KeyResult Result { get; }

    public string OutputRegistry { get; }
}
