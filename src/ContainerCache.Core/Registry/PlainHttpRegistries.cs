using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ContainerCache.PublishOutput;

namespace ContainerCache.Registry;

/// <summary>
/// A file in obj/ that remembers the insecure registries (localhost, DOTNET_CONTAINER_INSECURE_REGISTRIES)
/// that answered in plain HTTP after HTTPS failed, so that the next build's first request to them is
/// plain HTTP from the start: no TLS attempt, which in a fresh process costs more than the request
/// (loading the TLS stack, a handshake that fails, the exception). Only a hint: a registry that is not
/// insecure is never looked up here, and a plain-HTTP request that fails goes back to HTTPS first.
/// Anything unreadable, unknown or malformed is ignored, never an error; writing is best effort.
/// </summary>
internal static class PlainHttpRegistries
{
    /// <summary>The first line; a file without it (another format, another tool's) is ignored.</summary>
    public const string Header = "# ContainerCache 1: insecure registries that answered in plain HTTP (safe to delete)";

    /// <summary>Far more than any build's registries; a larger file is not ours.</summary>
    private const int MaxBytes = 64 * 1024;

    /// <summary>Whether <paramref name="file"/> names <paramref name="registry"/>; false for anything it cannot tell.</summary>
    public static bool Remembers(string file, string registry) =>
        file.Length > 0 && Read(file).Contains(Normalize(registry), StringComparer.Ordinal);

    /// <summary>Adds the registry to the file; returns false when it could not be written.</summary>
    public static bool Remember(string file, string registry) => Update(file, registry, add: true);

    /// <summary>Takes the registry out of the file, if it is there; returns false when it could not be written.</summary>
    public static bool Forget(string file, string registry) => Update(file, registry, add: false);

    private static bool Update(string file, string registry, bool add)
    {
        if (file.Length == 0)
        {
            return false;
        }

        string name = Normalize(registry);
        List<string> registries = Read(file);
        if (registries.Contains(name, StringComparer.Ordinal) == add)
        {
            return true;
        }

        if (add)
        {
            registries.Add(name);
        }
        else
        {
            registries.RemoveAll(r => r == name);
        }

        try
        {
            if (registries.Count == 0)
            {
                File.Delete(file);
                return true;
            }

            // Written beside it and renamed into place: a reader sees the old file or the new one.
            string temporary = file + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            File.WriteAllText(temporary, Header + "\n" + string.Join("\n", registries) + "\n");
            try
            {
                Keys.KeyFile.Replace(temporary, file);
            }
            finally
            {
                File.Delete(temporary);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The registries the file names: none when it is missing, unreadable, too large or not in this format.</summary>
    private static List<string> Read(string file)
    {
        try
        {
            if (!File.Exists(file))
            {
                return new List<string>();
            }

            string? text = SmallFile.ReadAllText(file, MaxBytes);
            string[] lines = (text ?? "").Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            if (lines[0] != Header)
            {
                return new List<string>();
            }

            return lines.Skip(1).Where(l => l.Length > 0 && ImageReference.RegistryError(l) is null).Distinct(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new List<string>();
        }
    }

    private static string Normalize(string registry) => registry.ToLowerInvariant();
}
