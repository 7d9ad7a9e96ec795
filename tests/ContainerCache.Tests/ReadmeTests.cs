using System.Text.RegularExpressions;

namespace ContainerCache.Tests;

/// <summary>
/// The README is the user documentation and the NuGet readme: it keeps the two commands at the top,
/// documents every public MSBuild name the package's build files use, lists every diagnostic code
/// with its page, and its links lead somewhere.
/// </summary>
[TestClass]
public sealed class ReadmeTests
{
    private static readonly string Root = ContainerCache.TestRegistry.Repository.Root;
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));

    [TestMethod]
    public void StartsWithTheDemoAndTheTests()
    {
        string[] lines = Readme.Split('\n');
        Assert.AreEqual("# ContainerCache", lines[0]);
        Assert.AreEqual("```sh", lines[2]);
        StringAssert.StartsWith(lines[3], "bash samples/demo.sh ");
        StringAssert.StartsWith(lines[4], "bash tests/run.sh ");
        Assert.AreEqual("```", lines[5]);
    }

    [TestMethod]
    public void DocumentsEveryPublicNameOfTheBuildFiles()
    {
        // Public names start with ContainerCache; private ones with _ContainerCache, which the
        // look-behind leaves out, as it does task class names such as ComputeContainerCacheKey.
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(Path.Combine(Root, "build")))
        {
            foreach (Match match in Regex.Matches(File.ReadAllText(file), @"(?<![\w.])ContainerCache[A-Z]\w*"))
            {
                names.Add(match.Value);
            }
        }

        Assert.IsNotEmpty(names);
        string[] undocumented = names.Where(n => !Readme.Contains("| `" + n + "` |", StringComparison.Ordinal)).ToArray();
        Assert.IsEmpty(undocumented, "Not in a README table: " + string.Join(", ", undocumented));
    }

    [TestMethod]
    public void ListsEveryDiagnosticCodeWithItsPage()
    {
        string[] pages = Directory.GetFiles(Path.Combine(Root, "docs", "diagnostics"), "CONTAINERCACHE*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .ToArray()!;
        string[] rows = Regex.Matches(Readme, @"^\| \[(CONTAINERCACHE\d{4})\]\(docs/diagnostics/\1\.md\) \|", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .ToArray();

        Assert.IsNotEmpty(pages);
        CollectionAssert.AreEqual(pages, rows, "README rows: " + string.Join(", ", rows));
    }

    [TestMethod]
    [DataRow("README.md")]
    [DataRow("CONTRIBUTING.md")]
    public void RelativeLinksLeadToAFileAndHeading(string document)
    {
        string text = File.ReadAllText(Path.Combine(Root, document));
        var broken = new List<string>();
        foreach (Match match in Regex.Matches(text, @"\]\(([^)\s]+)\)"))
        {
            string link = match.Groups[1].Value;
            if (link.StartsWith("http", StringComparison.Ordinal))
            {
                continue;
            }

            int hash = link.IndexOf('#');
            string target = hash < 0 ? link : link[..hash];
            string path = target.Length == 0 ? Path.Combine(Root, document) : Path.GetFullPath(Path.Combine(Root, target));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                broken.Add(link);
            }
            else if (hash >= 0 && path.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(path)).Contains(link[(hash + 1)..]))
            {
                broken.Add(link);
            }
        }

        Assert.IsEmpty(broken, "Broken links in " + document + ": " + string.Join(", ", broken));
    }

    /// <summary>The anchors GitHub gives a document's headings: lowercase, punctuation dropped, spaces as '-'.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        bool inCode = false;
        foreach (string line in markdown.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }
            else if (!inCode && Regex.Match(line, @"^#+\s+(.*)$") is { Success: true } heading)
            {
                anchors.Add(Regex.Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\w\- ]", "").Replace(' ', '-'));
            }
        }

        return anchors;
    }

}
