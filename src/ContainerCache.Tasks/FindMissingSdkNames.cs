using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Sdk;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// Which of the SDK names the package relies on (<c>@(_ContainerCacheSdkName)</c>, each with the text that defines
/// it in <c>Definition</c>) the SDK's container targets file no longer holds: <see cref="SdkContract.Missing"/>.
/// A task rather than property functions, which read the file once a name and cost a publish about 50 ms.
/// </summary>
public sealed class FindMissingSdkNames : ContainerCacheTask
{
    [Required]
    public string TargetsFile { get; set; } = "";

    public ITaskItem[] Names { get; set; } = Array.Empty<ITaskItem>();

    [Output]
    public ITaskItem[] Missing { get; private set; } = Array.Empty<ITaskItem>();

    protected override void ExecuteCore()
    {
        IReadOnlyList<int> missing = SdkContract.Missing(TargetsFile, Names.Select(n => n.GetMetadata("Definition")).ToArray());
        Missing = missing.Select(i => Names[i]).ToArray();
    }
}
