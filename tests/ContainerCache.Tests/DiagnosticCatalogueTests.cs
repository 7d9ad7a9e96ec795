using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ContainerCache.Diagnostics;
using Microsoft.Build.Framework;

namespace ContainerCache.Tests;

/// <summary>
/// One source for the diagnostics: every code the sources or the targets name is in the catalogue,
/// has its messages, its doc page and its row in the README's table, and every page, entry and
/// message is in use; every raise site gives each of its message's placeholders a value, and the
/// targets report theirs through the catalogue too.
/// </summary>
[TestClass]
public sealed partial class DiagnosticCatalogueTests
{
    private static readonly string Root = ContainerCache.TestRegistry.Repository.Root;
    private static readonly string Pages = Path.Combine(Root, "docs", "diagnostics");

    [GeneratedRegex(@"CONTAINERCACHE\d{4}")]
    private static partial Regex CodePattern();

    /// <summary>string.Format's placeholders: {0}, {1,5}, {2:0.#}; not a doubled brace.</summary>
    [GeneratedRegex(@"(?<!\{)\{(\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();

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
    public void EveryCodeNamedInTheSourcesOrTheTargets_IsCatalogued_AndEveryCatalogueEntryAndMessageIsUsed()
    {
        var named = new SortedSet<string>(StringComparer.Ordinal);
        var usedMessages = new SortedSet<string>(StringComparer.Ordinal);
        string messagesFile = Path.Combine(Root, "src", "ContainerCache.Core", "Diagnostics", "DiagnosticMessages.cs");
        Assert.IsTrue(File.Exists(messagesFile), messagesFile);

        foreach (string file in SourceFiles())
        {
            string text = File.ReadAllText(file);
            named.UnionWith(CodePattern().Matches(text).Select(m => m.Value));
            if (file != messagesFile)
            {
                // A message is used where a raise site names it.
                usedMessages.UnionWith(DiagnosticMessages.All.Keys.Where(name => Regex.IsMatch(text, $@"\bDiagnosticMessages\.{name}\.With\(")));
            }
        }

        foreach (XElement element in TargetsDiagnostics())
        {
            usedMessages.Add((string?)element.Attribute("Message") ?? "");
        }

        CollectionAssert.IsSubsetOf(named.ToArray(), CatalogueCodes.ToArray(), "Every code a source or the targets name is in the catalogue.");
        CollectionAssert.AreEquivalent(DiagnosticMessages.All.Keys.ToArray(), usedMessages.ToArray(), "Every message is raised somewhere, and only those are.");
        CollectionAssert.AreEquivalent(
            CatalogueCodes.ToArray(),
            usedMessages.Select(name => DiagnosticMessages.Get(name).Code).Distinct().ToArray(),
            "Every catalogued code is reported somewhere, and only those are.");
    }

    [TestMethod]
    public void EveryCodeHasItsMessages_AndEachTemplatesPlaceholdersAreTheValuesItsRaiseSitesGive()
    {
        foreach ((string name, DiagnosticTemplate message) in DiagnosticMessages.All)
        {
            string where = $"DiagnosticMessages.{name} ({message.Code})";
            Assert.IsNotNull(Catalogue.SingleOrDefault(d => d.Code == message.Code), where + ": not a catalogued code");

            // The compiler holds each raise site to the number of values (the type's arguments); this, the template to it.
            Type type = typeof(DiagnosticMessages).GetField(name)!.FieldType;
            Assert.AreEqual(type.IsGenericType ? type.GetGenericArguments().Length : 0, message.Arity, where);
            int[] placeholders = Placeholder().Matches(message.Template).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Order().ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, message.Arity).ToArray(), placeholders, $"{where}: the placeholders are {{0}} to {{{message.Arity - 1}}}, each used: {message.Template}");

            DiagnosticReport report = message.Fill(Enumerable.Range(0, message.Arity).Select(i => (object?)("value" + i)).ToArray());
            Assert.AreEqual(message.Code, report.Code);
            Assert.AreEqual(Printable.Of(report.Message), report.Message, $"{where}: printable as worded");
            Assert.IsFalse(Regex.IsMatch(report.Message, @"\{\d"), $"{where}: every placeholder filled: {report.Message}");
        }

        foreach (Diagnostic diagnostic in Catalogue)
        {
            Assert.IsTrue(DiagnosticMessages.All.Values.Any(m => m.Code == diagnostic.Code), $"{diagnostic.Code} has a message.");
        }
    }

    [TestMethod]
    public void AMessagesValues_AreMadePrintable_AndMustAllBeGiven()
    {
        DiagnosticReport report = DiagnosticMessages.SwitchNotBoolean.With("ContainerCacheReuse", "yes\nContainerCache: hit");
        Assert.AreEqual("ContainerCacheReuse is 'yes\\nContainerCache: hit'; it must be true or false.", report.Message);
        Assert.AreEqual(DiagnosticCodes.InvalidPropertyValue, report.Code);
        Assert.ThrowsExactly<ArgumentException>(() => DiagnosticMessages.SwitchNotBoolean.Fill(["ContainerCacheReuse"]));
        Assert.ThrowsExactly<ArgumentException>(() => DiagnosticMessages.Get("NoSuchMessage"));
    }

    [TestMethod]
    public void TheTargetsTask_LogsTheNamedMessage_AsItsCodesSeverity_WithItsHelpLink_ValuesKeptWhole()
    {
        var engine = new RecordingBuildEngine();
        var error = new ContainerCache.Tasks.ReportContainerCacheDiagnostic
        {
            BuildEngine = engine,
            Code = "CONTAINERCACHE1004",
            Message = nameof(DiagnosticMessages.MissTagsInvalid),
            Argument0 = "a b;;c\nd",
        };
        Assert.IsFalse(error.Execute(), "An error fails the build, as <Error> did.");
        BuildErrorEventArgs logged = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1004", logged.Code);
        Assert.AreEqual(DiagnosticCodes.Get("CONTAINERCACHE1004").HelpLink, logged.HelpLink);
        StringAssert.StartsWith(logged.Message, "ContainerCacheMissTags holds 'a b;;c\\nd', which is not a valid image tag");

        var warning = new ContainerCache.Tasks.ReportContainerCacheDiagnostic
        {
            BuildEngine = engine,
            Code = "CONTAINERCACHE2005",
            Message = nameof(DiagnosticMessages.SdkNameMissing),
            Argument0 = "10.0.999",
            Argument1 = "",
            Argument2 = "_InnerBuild, _IsSingleRIDBuild",
        };
        Assert.IsTrue(warning.Execute(), "A warning does not.");
        Assert.AreEqual(
            "The .NET SDK 10.0.999 lacks what ContainerCache relies on in its container targets : _InnerBuild, _IsSingleRIDBuild. The key is computed and stamped, but no image stored for it is reused. Use a version of ContainerCache that knows this SDK.",
            engine.Warnings.Single().Message,
            "An empty value keeps its place.");

        var wrongCode = new ContainerCache.Tasks.ReportContainerCacheDiagnostic { BuildEngine = engine, Code = "CONTAINERCACHE1003", Message = nameof(DiagnosticMessages.MissTagsInvalid) };
        Assert.IsFalse(wrongCode.Execute());
        Assert.AreEqual(DiagnosticCodes.UnexpectedFailure, engine.Errors.Last().Code, "A message named with another code is a bug of the targets.");
    }

    [TestMethod]
    public void OnlyTheTasksBaseClassLogsErrorsAndWarnings_AndNoCoreExceptionIsWordedAtItsRaiseSite()
    {
        foreach (string file in SourceFiles().Where(f => f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            if (Path.GetFileName(file) != "ContainerCacheTask.cs")
            {
                StringAssert.DoesNotMatch(text, new Regex(@"\bLog\.Log(Error|Warning)\w*\("), $"{file}: report through ContainerCacheTask.Report and DiagnosticMessages");
            }

            StringAssert.DoesNotMatch(text, new Regex(@"new ContainerCacheException\(\s*(DiagnosticCodes|""|\$"")"), $"{file}: a message of DiagnosticMessages");
        }
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
    public void EveryErrorAndWarningOfTheTargets_IsAMessageOfTheCatalogue_WithItsCodeAndEveryValue()
    {
        XElement[] all = Directory.GetFiles(Path.Combine(Root, "build"))
            .Where(f => f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .SelectMany(f => XDocument.Load(f, LoadOptions.SetBaseUri).Descendants())
            .ToArray();
        Assert.IsFalse(all.Any(e => e.Name.LocalName is "Error" or "Warning"), "The targets report through ReportContainerCacheDiagnostic, with the catalogue's words and help link.");

        XElement[] elements = TargetsDiagnostics().ToArray();
        Assert.IsTrue(elements.Length >= 6, "The targets' own checks are found.");
        foreach (XElement element in elements)
        {
            string code = (string?)element.Attribute("Code") ?? "";
            string name = (string?)element.Attribute("Message") ?? "";
            string where = $"<{element.Name.LocalName} Code=\"{code}\" Message=\"{name}\"> in {element.Document!.BaseUri}";
            DiagnosticTemplate message = DiagnosticMessages.All.TryGetValue(name, out DiagnosticTemplate? found) ? found : throw new AssertFailedException(where + ": no such message");
            Assert.AreEqual(message.Code, code, where);
            string[] arguments = element.Attributes().Select(a => a.Name.LocalName).Where(a => a.StartsWith("Argument", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, message.Arity).Select(i => "Argument" + i).ToArray(), arguments, $"{where}: a value for each placeholder, no more");
        }
    }

    [TestMethod]
    public void TheSwitchesPage_NamesEverySwitchTheTargetsCheck()
    {
        string page = File.ReadAllText(Path.Combine(Pages, "CONTAINERCACHE1003.md"));
        string[] switches = XDocument.Load(Path.Combine(Root, "build", "ContainerCache.targets")).Descendants()
            .Where(e => e.Name.LocalName == "_ContainerCacheSwitch")
            .Select(e => (string)e.Attribute("Include")!)
            .ToArray();
        Assert.IsTrue(switches.Length >= 10, "The switches are found.");
        foreach (string name in switches)
        {
            StringAssert.Contains(page, $"`{name}`", "CONTAINERCACHE1003's page lists the switches it checks.");
        }
    }

    /// <summary>The targets' errors and warnings: the ReportContainerCacheDiagnostic tasks of build/*.props and build/*.targets.</summary>
    private static IEnumerable<XElement> TargetsDiagnostics() =>
        Directory.GetFiles(Path.Combine(Root, "build"))
            .Where(f => f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .Select(f => XDocument.Load(f, LoadOptions.SetBaseUri))
            .SelectMany(d => d.Descendants())
            .Where(e => e.Name.LocalName == "ReportContainerCacheDiagnostic");

    /// <summary>The C# sources of the package and the MSBuild files it ships.</summary>
    private static IEnumerable<string> SourceFiles() =>
        Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Concat(Directory.GetFiles(Path.Combine(Root, "build")));

}
