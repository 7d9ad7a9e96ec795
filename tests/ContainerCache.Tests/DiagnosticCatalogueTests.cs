using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ContainerCache.Diagnostics;

namespace ContainerCache.Tests;

/// <summary>
/// One source for the diagnostics: every code the sources or the targets name is in the catalogue,
/// has its doc page and its row in the README's table, and every page and entry is a code in use;
/// the targets' own errors and warnings carry the catalogue's help link.
/// </summary>
[TestClass]
public sealed partial class DiagnosticCatalogueTests
{
    private static readonly string Root = ContainerCache.TestRegistry.Repository.Root;
    private static readonly string Pages = Path.Combine(Root, "docs", "diagnostics");

    [GeneratedRegex(@"CONTAINERCACHE\d{4}")]
    private static partial Regex CodePattern();

    private static IEnumerable<Diagnostic> Catalogue => DiagnosticCodes.All;

    private static IEnumerable<string> CatalogueCodes => Catalogue.Select(d => d.Code);

    [TestMethod]
    public void TheCatalogue_HasOneEntryPerConstant_InOrder_ErrorsAs1xxxAndWarningsAs2xxx()
    {
        string[] constants = typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(DiagnosticCodes.HelpLinkBase))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
        CollectionAssert.AreEquivalent(constants, CatalogueCodes.ToArray());
        CollectionAssert.AreEqual(CatalogueCodes.Order(StringComparer.Ordinal).ToArray(), CatalogueCodes.ToArray(), "In the order of the pages and the README's table.");
        CollectionAssert.AllItemsAreUnique(CatalogueCodes.ToArray());

        foreach (Diagnostic diagnostic in Catalogue)
        {
            StringAssert.Matches(diagnostic.Code, new Regex(@"^CONTAINERCACHE[12]\d{3}$"));
            Assert.AreEqual(diagnostic.Code[14] == '1' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, diagnostic.Severity, diagnostic.ToString());
            Assert.AreEqual($"https://github.com/containercache/containercache/blob/main/docs/diagnostics/{diagnostic.Code}.md", diagnostic.HelpLink);
            Assert.AreSame(diagnostic, DiagnosticCodes.Get(diagnostic.Code));
        }
    }

    [TestMethod]
    public void EveryCodeNamedInTheSourcesOrTheTargets_IsCatalogued_AndEveryCatalogueEntryIsUsed()
    {
        var named = new SortedSet<string>(StringComparer.Ordinal);
        var used = new SortedSet<string>(StringComparer.Ordinal);
        string catalogueFile = Path.Combine(Root, "src", "ContainerCache.Core", "DiagnosticCodes.cs");
        Dictionary<string, string> constants = typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

        foreach (string file in SourceFiles())
        {
            string text = File.ReadAllText(file);
            named.UnionWith(CodePattern().Matches(text).Select(m => m.Value));
            if (file != catalogueFile)
            {
                // A code is used where a source names its constant.
                used.UnionWith(constants.Where(c => text.Contains("DiagnosticCodes." + c.Key, StringComparison.Ordinal)).Select(c => c.Value));
            }
        }

        foreach (XElement element in TargetsDiagnostics())
        {
            used.Add((string?)element.Attribute("Code") ?? "");
        }

        used.Remove(DiagnosticCodes.HelpLinkBase);
        CollectionAssert.IsSubsetOf(named.ToArray(), CatalogueCodes.ToArray(), "Every code a source or the targets name is in the catalogue.");
        CollectionAssert.AreEquivalent(CatalogueCodes.ToArray(), used.ToArray(), "Every catalogued code is reported somewhere, and only those are.");
    }

    [TestMethod]
    public void EveryCode_HasAPage_TitledWithItsMeaning_ThatOpensWithItsSeverity_AndEveryPageIsACode()
    {
        string[] pages = Directory.GetFiles(Pages).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        CollectionAssert.AreEqual(CatalogueCodes.Select(c => c + ".md").ToArray(), pages, "One page per code, and no page without one.");

        foreach (Diagnostic diagnostic in Catalogue)
        {
            string[] lines = File.ReadAllLines(Path.Combine(Pages, diagnostic.Code + ".md"));
            Assert.AreEqual($"# {diagnostic.Code}: {diagnostic.Title}", lines[0], "The page's title is the catalogue's meaning.");
            Assert.AreEqual("", lines[1]);
            string severity = diagnostic.Severity == DiagnosticSeverity.Error ? "**Error" : "**Warning";
            StringAssert.StartsWith(lines[2], severity, $"{diagnostic.Code}'s page says first what it is.");
        }
    }

    [TestMethod]
    public void TheReadmeTable_HasOneRowPerCode_WithItsLevelAndItsPage()
    {
        MatchCollection rows = Regex.Matches(
            File.ReadAllText(Path.Combine(Root, "README.md")),
            @"^\| \[(?<code>CONTAINERCACHE\d{4})\]\(docs/diagnostics/(?<page>[^)]*)\) \| (?<level>[a-z]+) \| .+ \|$",
            RegexOptions.Multiline);

        CollectionAssert.AreEqual(CatalogueCodes.ToArray(), rows.Select(r => r.Groups["code"].Value).ToArray(), "One row per code, in order.");
        foreach (Match row in rows)
        {
            Diagnostic diagnostic = DiagnosticCodes.Get(row.Groups["code"].Value);
            Assert.AreEqual(diagnostic.Code + ".md", row.Groups["page"].Value);
            Assert.AreEqual(diagnostic.Severity.ToString().ToLowerInvariant(), row.Groups["level"].Value, diagnostic.Code);
        }
    }

    [TestMethod]
    public void EveryErrorAndWarningOfTheTargets_HasACatalogueCode_OfItsSeverity_AndItsHelpLink()
    {
        XElement[] elements = TargetsDiagnostics().ToArray();
        Assert.IsTrue(elements.Length >= 4, "The targets' own checks are found.");

        foreach (XElement element in elements)
        {
            string code = (string?)element.Attribute("Code") ?? "";
            string where = $"<{element.Name.LocalName} Code=\"{code}\"> in {element.Document!.BaseUri}";
            Diagnostic diagnostic = Catalogue.SingleOrDefault(d => d.Code == code) ?? throw new AssertFailedException(where + ": no catalogued code");
            Assert.AreEqual(diagnostic.Severity.ToString(), element.Name.LocalName, where);
            Assert.AreEqual(diagnostic.HelpLink, (string?)element.Attribute("HelpLink"), where);
            Assert.IsFalse(string.IsNullOrWhiteSpace((string?)element.Attribute("Text")), where);
        }
    }

    /// <summary>The Error and Warning tasks of build/*.props and build/*.targets.</summary>
    private static IEnumerable<XElement> TargetsDiagnostics() =>
        Directory.GetFiles(Path.Combine(Root, "build"))
            .Where(f => f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .Select(f => XDocument.Load(f, LoadOptions.SetBaseUri))
            .SelectMany(d => d.Descendants())
            .Where(e => e.Name.LocalName is "Error" or "Warning");

    /// <summary>The C# sources of the package and the MSBuild files it ships.</summary>
    private static IEnumerable<string> SourceFiles() =>
        Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Concat(Directory.GetFiles(Path.Combine(Root, "build")));

}
