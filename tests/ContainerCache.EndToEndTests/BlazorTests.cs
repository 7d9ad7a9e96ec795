using ContainerCache.TestRegistry;
using System.Text.RegularExpressions;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// The two longest tests, Blazor apps whose publishes compile to WebAssembly and compress: one of
/// <see cref="DeterministicBuildTests"/> (with MVC views, Razor's other kind of file) and one of
/// <see cref="StaleFilesTests"/>, in a class of their own because test classes start in the order of
/// their names, and a long test that starts last is what a run waits for.
/// </summary>
[TestClass]
public sealed class BlazorTests
{
    [TestMethod]
    public async Task BlazorWebAppWithWebAssemblyComponentsAndMvcViews_InAnotherDirectory_SameKey_PdbPathsStillMapped()
    {
        // dotnet new blazor --interactivity Auto: the server project's components, and the .Client
        // project's, compiled to WebAssembly and published under wwwroot/_framework, both by Razor.
        // The server project gets MVC views with tag helpers too: the Razor generator writes the path
        // it is given into the code it generates, and a tag helper's ID is an offset in that code.
        TestApp app = await TestApp.CreateBlazorWebAppAsync("BlazorAuto", "Auto");
        string program = File.ReadAllText(app.ProgramFile);
        string withViews = program
            .Replace("var app = builder.Build();", "builder.Services.AddControllersWithViews();\nvar app = builder.Build();", StringComparison.Ordinal)
            .Replace("app.Run();", "app.MapDefaultControllerRoute();\napp.Run();", StringComparison.Ordinal);
        Assert.AreEqual(program.Length + "builder.Services.AddControllersWithViews();\napp.MapDefaultControllerRoute();\n".Length, withViews.Length, "The template's Program.cs:\n" + program);
        app.EditProgram(withViews);
        app.WriteFile("Controllers/HomeController.cs", """
            using Microsoft.AspNetCore.Mvc;
            namespace BlazorAuto.Controllers;
            public sealed class HomeController : Controller
            {
                public IActionResult Index() => View();
            }
            """);
        app.WriteFile("Views/_ViewImports.cshtml", "@addTagHelper *, Microsoft.AspNetCore.Mvc.TagHelpers\n");
        app.WriteFile("Views/Home/Index.cshtml", """
            <environment include="Production"><p>Production</p></environment>
            <a asp-controller="Home" asp-action="Index">Home</a>
            """);

        TestApp moved = app.CopyTo(DeterministicBuildTests.Elsewhere("BlazorAuto"));
        await DeterministicBuildTests.BothAsync(app.PublishAsync(), moved.PublishAsync());
        string[] client = Directory.GetFiles(Path.Combine(app.PublishDirectory(), "wwwroot", "_framework"), "BlazorAuto.Client.*.wasm");
        Assert.AreEqual(1, client.Length, "The WebAssembly components ship in the image.");

        Assert.AreEqual(app.KeyFileKey(), moved.KeyFileKey());
        Assert.IsTrue(File.Exists(Path.Combine(moved.PublishDirectory(), "wwwroot", "_framework", Path.GetFileName(client[0]))), "The client's fingerprinted name, from its content, is the same.");

        // Debugging still finds the views and components: the PDB names them under the mapped root, and no folder of the build.
        using var pdb = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.Combine(moved.PublishDirectory(), "BlazorAuto.pdb")));
        System.Reflection.Metadata.MetadataReader reader = pdb.GetMetadataReader();
        string[] documents = [.. reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name))];
        CollectionAssert.Contains(documents, "/_/Views/Home/Index.cshtml", string.Join("\n", documents));
        CollectionAssert.Contains(documents, "/_/Components/Pages/Home.razor", string.Join("\n", documents));
        Assert.IsFalse(documents.Any(d => !d.StartsWith("/_/", StringComparison.Ordinal)), string.Join("\n", documents));
    }

    [TestMethod]
    public async Task WebAssemblyComponentEdited_WarnsOfTheCleanBuildsFiles_Reverted_PruningGivesTheCleanKey()
    {
        // With the compiler server: what this test shows does not depend on the folder the Razor
        // generator sees, and the package's own choice (a cold compiler in each compiling publish)
        // cost a third of the test's CPU.
        TestApp app = TestApp.CreateBlazorWebAssembly("StaleWasm", "<UseSharedCompilation>true</UseSharedCompilation>");

        CommandResult clean = await app.PublishAsync();
        Assert.IsFalse(clean.Output.Contains("CONTAINERCACHE2004"), "A clean publish has no stale files:\n" + clean.Output);
        string cleanKey = app.KeyFileKey();
        string[] cleanFiles = StaleFilesTests.Files(app);

        // Each build's files count as stale in the next only once they are older than the 2 s before
        // it starts, within which a file counts as that build's own (a publish that ends fast, as
        // these do, would otherwise be followed within them).
        await FileAge.WaitUntilOldAsync(DateTime.UtcNow);
        app.WriteFile("App.razor", "<h1>Hello, edited</h1>\n");
        CommandResult edited = await app.PublishAsync();
        string[] editedFiles = StaleFilesTests.Files(app);
        string[] editedOnly = editedFiles.Except(cleanFiles).ToArray();
        Assert.IsTrue(editedOnly.Any(f => Regex.IsMatch(f, @"^wwwroot/_framework/StaleWasm\.[a-z0-9]+\.wasm$")), "The edit changed the app's fingerprinted name: " + string.Join(", ", editedOnly));
        Assert.IsTrue(editedOnly.Any(f => f.EndsWith(".wasm.br", StringComparison.Ordinal)) && editedOnly.Any(f => f.EndsWith(".wasm.gz", StringComparison.Ordinal)), string.Join(", ", editedOnly));

        // The clean build's files under the old names are left behind, one for each new name: named,
        // counted, kept.
        string warning = edited.Output.Split('\n').FirstOrDefault(l => l.Contains("warning CONTAINERCACHE2004")) ?? "";
        StringAssert.Contains(warning, $"warning CONTAINERCACHE2004: {editedOnly.Length} files in the publish directory were not produced by this publish", edited.Output);
        StringAssert.Contains(warning, "They ship in the image; set ContainerCachePruneStaleFiles=true to delete them before the key is computed, or publish into a clean directory.");
        string[] named = cleanFiles.Where(f => warning.Contains(f, StringComparison.Ordinal)).ToArray();
        Assert.AreEqual(Math.Min(5, editedOnly.Length), named.Length, "The first five are named: " + warning);
        Assert.IsTrue(named.Any(f => Regex.IsMatch(f, @"^wwwroot/_framework/StaleWasm\.[a-z0-9]+\.wasm")), "The app's old fingerprinted files among them: " + warning);
        Assert.IsTrue(cleanFiles.All(f => File.Exists(Path.Combine(app.PublishDirectory(), f))), "Nothing is deleted unless asked.");

        // Reverted, and published with pruning: the edited build's files are the stale ones now, and
        // with them deleted the key is the clean publish's.
        await FileAge.WaitUntilOldAsync(DateTime.UtcNow);
        app.WriteFile("App.razor", "<h1>Hello</h1>\n");
        CommandResult pruned = await app.PublishAsync("-p:ContainerCachePruneStaleFiles=true", "-v:n");
        Assert.IsFalse(pruned.Output.Contains("CONTAINERCACHE2004"), pruned.Output);
        StringAssert.Contains(pruned.Output, $"ContainerCache: deleted {editedOnly.Length} files an earlier publish left: ", pruned.Output);
        Assert.AreEqual(cleanKey, app.KeyFileKey(), "With the edited build's files deleted, the key is the clean publish's.");
        CollectionAssert.AreEquivalent(cleanFiles, StaleFilesTests.Files(app));
    }
}
