using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ContainerCache.Results;

/// <summary>
/// How results are written for a pipeline: the results file's JSON lines, GitHub Actions' step
/// outputs and step summary, GitLab CI's dotenv file. Each takes what a file already holds (a
/// solution's projects append to the same files, one after another) and returns what to write.
/// </summary>
internal static class ResultFormat
{
    /// <summary>The step summary's table header; a group of rows that follows one extends its table.</summary>
    public const string SummaryHeader = "| Project | Platform | Key | Result | Digest | What changed |";

    private const string SummarySeparator = "| --- | --- | --- | --- | --- | --- |";

    /// <summary>How many names of changes a summary row shows; the results file has them all.</summary>
    public const int SummaryChangesShown = 10;

    /// <summary>The step output (and dotenv variable) that counts the deployable images written so far.</summary>
    public const string ImageCountOutput = "image-count";

    /// <summary>
    /// A step output name: lowercase letters, digits, '-' and '_', every other run of characters one
    /// '-', starting with a letter or '_' ('_' put before a leading digit). "Web.Api" is "web-api",
    /// "Web.Api" for linux-arm64 "web-api-linux-arm64".
    /// </summary>
    public static string OutputName(string name)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (char c in name.ToLowerInvariant())
        {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
            {
                result.Append(c);
            }
            else if (result.Length > 0 && result[result.Length - 1] != '-')
            {
                result.Append('-');
            }
        }

        string text = result.ToString().Trim('-');
        if (text.Length == 0 || (text[0] >= '0' && text[0] <= '9'))
        {
            text = "_" + text;
        }

        return text;
    }

    /// <summary>A GitLab dotenv variable: CONTAINERCACHE_, the output name in capitals with '-' as '_', then the value's name.</summary>
    public static string DotenvName(string outputName, string value) =>
        "CONTAINERCACHE_" + (outputName.Length == 0 ? "" : outputName.ToUpperInvariant().Replace('-', '_') + "_") + value.ToUpperInvariant().Replace('-', '_');

    /// <summary>
    /// What identifies the image where it went: for a registry, the image pinned by its manifest's
    /// digest; for an archive, the archive's path; for a local store (Docker, Podman), the image ID,
    /// which is its config's digest, read from the manifest
    /// (an index's: its digest).
    /// </summary>
    public static string IdentifyImage(ImageDestination destination, string registry, string repository, string digest, string manifest, string archivePath)
    {
        switch (destination)
        {
            case ImageDestination.Registry:
                return digest.Length == 0 ? "" : $"{registry}/{repository}@{digest}";
            case ImageDestination.Archive:
                return archivePath;
            default:
                // An index has no config: the store names it by its digest.
                return Json.GetString(Json.TryParseObject(manifest), "config", "digest") ?? digest;
        }
    }

    /// <summary>The tag of each image name (REGISTRY/REPOSITORY:TAG or REPOSITORY:TAG), in order.</summary>
    public static IEnumerable<string> TagsOf(IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            int colon = name.LastIndexOf(':');
            if (colon > name.LastIndexOf('/') && colon < name.Length - 1)
            {
                yield return name.Substring(colon + 1);
            }
        }
    }

    /// <summary>One line of the results file (schema: docs/ci/results.md), ending in a newline.</summary>
    public static string JsonLine(ImageResult result)
    {
        var json = new StringBuilder(256);
        json.Append("{\"schemaVersion\":").Append(ImageResult.SchemaVersion.ToString(CultureInfo.InvariantCulture));
        Member(json, "project", result.Project);
        Member(json, "runtimeIdentifier", result.RuntimeIdentifier);
        Member(json, "kind", KindName(result.Kind));
        Member(json, "key", result.Key);
        json.Append(",\"hit\":").Append(result.Hit ? "true" : "false");
        Member(json, "destination", DestinationName(result.Destination));
        Member(json, "image", result.Image);
        Member(json, "digest", result.Digest);
        Array(json, "tags", result.Tags);
        Array(json, "changes", result.Changes);
        Member(json, "output", result.OutputName);
        return json.Append("}\n").ToString();
    }

    /// <summary>
    /// The lines to append to GitHub Actions' GITHUB_OUTPUT: NAME-key, NAME-hit, NAME-image and
    /// NAME-digest for each image, and image-count, the deployable images written so far. While that
    /// count is one, also plain key, hit, image and digest; past one they are set again, empty (the
    /// last value of an output wins), so that they never name one image of several.
    /// </summary>
    public static string GitHubOutputs(string existing, IReadOnlyList<ImageResult> results)
    {
        var lines = new StringBuilder();
        foreach (ImageResult result in results)
        {
            Output(lines, result.OutputName + "-", result);
        }

        int count = LastCount(existing, ImageCountOutput + "=") + results.Count(r => r.IsDeployable);
        lines.Append(ImageCountOutput).Append('=').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        ImageResult? single = count == 1 ? results.SingleOrDefault(r => r.IsDeployable) : null;
        if (single is not null)
        {
            Output(lines, "", single);
        }
        else if (count > 1)
        {
            lines.Append("key=\nhit=\nimage=\ndigest=\n");
        }

        return lines.ToString();
    }

    /// <summary>
    /// The text to append to GitHub Actions' GITHUB_STEP_SUMMARY: one table row per image, under the
    /// table's header unless the file already ends with this table (the rows of another project of
    /// the same step).
    /// </summary>
    public static string SummaryRows(string existing, IReadOnlyList<ImageResult> results)
    {
        var text = new StringBuilder();
        if (!EndsWithTable(existing))
        {
            if (existing.Length > 0 && !existing.EndsWith("\n\n", StringComparison.Ordinal))
            {
                text.Append(existing.EndsWith("\n", StringComparison.Ordinal) ? "\n" : "\n\n");
            }

            text.Append("### ContainerCache\n\n").Append(SummaryHeader).Append('\n').Append(SummarySeparator).Append('\n');
        }

        foreach (ImageResult result in results)
        {
            text.Append("| ").Append(Markdown(result.Project))
                .Append(" | ").Append(Markdown(result.Kind == ImageKind.Index ? "index" : result.RuntimeIdentifier))
                .Append(" | ").Append(Code(result.Key))
                .Append(" | ").Append(result.Hit ? "hit" : "built")
                .Append(" | ").Append(Code(result.Digest))
                .Append(" | ").Append(ChangesCell(result))
                .Append(" |\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The whole GitLab dotenv file after these results: the variables it held, each set once (a
    /// solution's projects write to it one after another), with CONTAINERCACHE_NAME_KEY, _HIT, _IMAGE
    /// and _DIGEST for each deployable image (GitLab limits how many variables a job passes on, so not
    /// for platform images: the results file has them), CONTAINERCACHE_IMAGE_COUNT, and while that is
    /// one, plain CONTAINERCACHE_KEY, _HIT, _IMAGE and _DIGEST.
    /// </summary>
    public static string Dotenv(string existing, IReadOnlyList<ImageResult> results)
    {
        var variables = new List<KeyValuePair<string, string>>();
        foreach (string line in existing.Split('\n'))
        {
            int equals = line.IndexOf('=');
            if (equals > 0)
            {
                Set(variables, line.Substring(0, equals), line.Substring(equals + 1).TrimEnd('\r'));
            }
        }

        string countName = DotenvName("", ImageCountOutput);
        int count = (int.TryParse(variables.FirstOrDefault(v => v.Key == countName).Value, NumberStyles.None, CultureInfo.InvariantCulture, out int before) ? before : 0)
            + results.Count(r => r.IsDeployable);
        foreach (ImageResult result in results.Where(r => r.IsDeployable))
        {
            foreach (KeyValuePair<string, string> value in Values(result))
            {
                Set(variables, DotenvName(result.OutputName, value.Key), value.Value);
            }
        }

        Set(variables, countName, count.ToString(CultureInfo.InvariantCulture));
        ImageResult? single = count == 1 ? results.SingleOrDefault(r => r.IsDeployable) : null;
        foreach (KeyValuePair<string, string> value in Values(single))
        {
            if (single is not null)
            {
                Set(variables, DotenvName("", value.Key), value.Value);
            }
            else
            {
                variables.RemoveAll(v => v.Key == DotenvName("", value.Key));
            }
        }

        var text = new StringBuilder();
        foreach (KeyValuePair<string, string> variable in variables)
        {
            text.Append(variable.Key).Append('=').Append(variable.Value).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Text for a Markdown table cell: every character Markdown could read as syntax escaped with a
    /// backslash ('|' too, which would end the cell), line breaks as spaces.
    /// </summary>
    public static string Markdown(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c == '\r' || c == '\n')
            {
                result.Append(' ');
            }
            else
            {
                if ("\\`*_{}[]<>()#+!|~&".IndexOf(c) >= 0)
                {
                    result.Append('\\');
                }

                result.Append(c);
            }
        }

        return result.ToString();
    }

    private static string Code(string text) => text.Length == 0 ? "" : "`" + text.Replace("`", "").Replace("|", "\\|") + "`";

    private static string ChangesCell(ImageResult result)
    {
        if (result.Changes.Count == 0)
        {
            return result.Kind == ImageKind.Index ? "see its platform images" : "";
        }

        string shown = string.Join(", ", result.Changes.Take(SummaryChangesShown).Select(Markdown));
        return result.Changes.Count <= SummaryChangesShown
            ? shown
            : shown + $" and {(result.Changes.Count - SummaryChangesShown).ToString(CultureInfo.InvariantCulture)} more";
    }

    /// <summary>Whether the text ends with this table: its header, then only table rows.</summary>
    private static bool EndsWithTable(string existing)
    {
        int header = existing.LastIndexOf(SummaryHeader + "\n", StringComparison.Ordinal);
        if (header < 0 || (header > 0 && existing[header - 1] != '\n'))
        {
            return false;
        }

        string rest = existing.Substring(header);
        return rest.Split('\n').Take(rest.Split('\n').Length - 1).All(line => line.StartsWith("|", StringComparison.Ordinal))
            && rest.EndsWith("\n", StringComparison.Ordinal);
    }

    private static int LastCount(string existing, string prefix)
    {
        int count = 0;
        foreach (string line in existing.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(line.Substring(prefix.Length).TrimEnd('\r'), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                count = value;
            }
        }

        return count;
    }

    private static IEnumerable<KeyValuePair<string, string>> Values(ImageResult? result)
    {
        yield return new("key", result?.Key ?? "");
        yield return new("hit", result is null ? "" : result.Hit ? "true" : "false");
        yield return new("image", result?.Image ?? "");
        yield return new("digest", result?.Digest ?? "");
    }

    private static void Output(StringBuilder lines, string prefix, ImageResult result)
    {
        foreach (KeyValuePair<string, string> value in Values(result))
        {
            // Values never hold a line break (keys, digests, names), so a plain NAME=VALUE line is safe.
            lines.Append(prefix).Append(value.Key).Append('=').Append(value.Value.Replace('\n', ' ').Replace('\r', ' ')).Append('\n');
        }
    }

    private static void Set(List<KeyValuePair<string, string>> variables, string name, string value)
    {
        int index = variables.FindIndex(v => v.Key == name);
        var variable = new KeyValuePair<string, string>(name, value.Replace('\n', ' ').Replace('\r', ' '));
        if (index < 0)
        {
            variables.Add(variable);
        }
        else
        {
            variables[index] = variable;
        }
    }

    private static void Member(StringBuilder json, string name, string value) =>
        Json.AppendQuoted(json.Append(",\"").Append(name).Append("\":"), value);

    private static void Array(StringBuilder json, string name, IReadOnlyList<string> values)
    {
        json.Append(",\"").Append(name).Append("\":[");
        for (int i = 0; i < values.Count; i++)
        {
            Json.AppendQuoted(i == 0 ? json : json.Append(','), values[i]);
        }

        json.Append(']');
    }

    private static string KindName(ImageKind kind) => kind switch
    {
        ImageKind.Platform => "platform",
        ImageKind.Index => "index",
        _ => "image",
    };

    private static string DestinationName(ImageDestination destination) => destination switch
    {
        ImageDestination.Archive => "archive",
        ImageDestination.LocalStore => "local",
        _ => "registry",
    };
}
