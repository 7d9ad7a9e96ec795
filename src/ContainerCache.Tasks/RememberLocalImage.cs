using System.IO;
using ContainerCache.Diagnostics;
using ContainerCache.LocalStore;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// After the SDK built an image and loaded it into the local engine: keeps what it returned for it
/// (see <see cref="LoadedImageRecord"/>), so that a later hit on that image returns the same.
/// </summary>
public sealed class RememberLocalImage : ContainerCacheTask
{
    [Required]
    public string File { get; set; } = "";

    public string Configuration { get; set; } = "";

    public string Manifest { get; set; } = "";

    public string Digest { get; set; } = "";

    public string MediaType { get; set; } = "";

    protected override void ExecuteCore()
    {
        string content = LoadedImageRecord.Format(Configuration, Manifest, Digest, MediaType);
        try
        {
            if (!System.IO.File.Exists(File) || System.IO.File.ReadAllText(File) != content)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(File)!);
                System.IO.File.WriteAllText(File, content);
            }
        }
        catch (IOException e)
        {
            // Only the outputs of a later hit depend on it: that hit then describes the image as the engine shows it.
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: {0} could not be written: {1}", Printable.Of(File), Printable.Of(e.Message));
        }
        catch (System.UnauthorizedAccessException e)
        {
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: {0} could not be written: {1}", Printable.Of(File), Printable.Of(e.Message));
        }
    }
}
