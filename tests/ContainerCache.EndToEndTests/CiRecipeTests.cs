using System.Text.Json;
using System.Text.RegularExpressions;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// The CI recipes in docs/ci, walked through as a pipeline runs them: the scripts marked
/// <c># recipe: NAME</c> in the docs run with bash exactly as shown, on a solution of two apps
/// published with -m to the test registry, the CI's variables pointing at temp files. kubectl runs
/// for real where it needs no cluster (rendering the kustomization); where a recipe talks to a
/// cluster, a stand-in kubectl on PATH keeps each Deployment's image in a file.
/// </summary>
[TestClass]
public sealed partial class CiRecipeTests
{
    private static readonly string GitHubDoc = Path.Combine(Repository.Root, "docs", "ci", "github-actions.md");
    private static readonly string GitLabDoc = Path.Combine(Repository.Root, "docs", "ci", "gitlab-ci.md");

    [TestMethod]
    public async Task Recipes_PublishTwice_OneAppChanged_TheFilesSayWhichAndDeployOnlyItPinnedByDigest()
    {
        (string root, TestApp a, TestApp b) = await SolutionTests.CreateSolutionAsync(libraryReferencesThePackage: false);
        WriteManifests(root);
        await Git.InitAndCommitAsync(root);
        string ci = Directory.CreateDirectory(Path.Combine(root, "ci")).FullName;
        var github = new Dictionary<string, string>
        {
            ["REGISTRY"] = EndToEnd.Registry.Host,
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = Path.Combine(ci, "output1"),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(ci, "summary1.md"),
            ["GITLAB_CI"] = "",
        };

        // First run: both images built.
        await RunRecipeAsync(GitHubDoc, "publish", root, github);
        IReadOnlyList<JsonElement> first = ReadResults(root);
        Assert.AreEqual(2, first.Count, string.Join('\n', first));
        Assert.IsTrue(first.All(r => !r.GetProperty("hit").GetBoolean()));
        string a1 = Image(first, "AppA"), b1 = Image(first, "AppB");
        Assert.AreEqual($"{EndToEnd.Registry.Host}/{a.Repository}@{Digest(first, "AppA")}", a1);
        Assert.AreEqual(a.KeyFileKey(), (await EndToEnd.Reader.GetLabelsAsync(a.Repository, Digest(first, "AppA")))[EndToEnd.KeyLabel], "The pinned image is the one with the key.");
        string output1 = File.ReadAllText(github["GITHUB_OUTPUT"]);
        StringAssert.Contains(output1, $"appa-image={a1}\n");
        StringAssert.Contains(output1, $"appb-hit=false\n");
        StringAssert.Contains(output1, "image-count=2\n");

        // The cluster runs what the first run published.
        string kube = Directory.CreateDirectory(Path.Combine(root, "cluster")).FullName;
        File.WriteAllText(Path.Combine(kube, "appa"), a1);
        File.WriteAllText(Path.Combine(kube, "appb"), b1);

        // Second run, AppA edited, in both CIs' variables at once.
        a.EditProgram("System.Console.WriteLine(Greeting.Text + \" from A, edited\");");
        github["GITHUB_OUTPUT"] = Path.Combine(ci, "output2");
        github["GITHUB_STEP_SUMMARY"] = Path.Combine(ci, "summary2.md");
        github["GITLAB_CI"] = "true";
        github["CI_PROJECT_DIR"] = root;
        await RunRecipeAsync(GitHubDoc, "publish", root, github);
        IReadOnlyList<JsonElement> second = ReadResults(root);
        Assert.AreEqual(2, second.Count, "The recipe starts the file afresh.");
        Assert.IsFalse(Result(second, "AppA").GetProperty("hit").GetBoolean());
        Assert.IsTrue(Result(second, "AppB").GetProperty("hit").GetBoolean(), "AppB reused.");
        Assert.AreEqual(b1, Image(second, "AppB"), "A hit names the same image.");
        string a2 = Image(second, "AppA");
        Assert.AreNotEqual(a1, a2);
        CollectionAssert.Contains(Result(second, "AppA").GetProperty("changes").EnumerateArray().Select(c => c.GetString()).ToArray(), "file changed: AppA.dll");
        Assert.AreEqual(0, Result(second, "AppB").GetProperty("changes").GetArrayLength());

        string summary = File.ReadAllText(github["GITHUB_STEP_SUMMARY"]);
        Assert.AreEqual(1, summary.Split('\n').Count(l => l.StartsWith("| Project |", StringComparison.Ordinal)), summary);
        StringAssert.Matches(summary, new Regex(@"\| AppA \| [^|]* \| `[0-9a-f]{32}` \| built \| `sha256:[0-9a-f]{64}` \| [^|]*file changed: AppA\.dll"));
        StringAssert.Matches(summary, new Regex(@"\| AppB \| [^|]* \| `[0-9a-f]{32}` \| hit \| `sha256:[0-9a-f]{64}` \|  \|"));
        Dictionary<string, string> dotenv = File.ReadAllLines(Path.Combine(root, "containercache.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.AreEqual(a2, dotenv["CONTAINERCACHE_APPA_IMAGE"]);
        Assert.AreEqual("true", dotenv["CONTAINERCACHE_APPB_HIT"]);
        Assert.AreEqual("2", dotenv["CONTAINERCACHE_IMAGE_COUNT"]);

        // kustomize images: both pinned, the changed one with its new digest; rendered by kubectl itself.
        CommandResult kustomize = await RunRecipeAsync(GitHubDoc, "kustomize", root, github);
        StringAssert.Contains(kustomize.Output, "deploy/images/kustomization.yaml");
        CommandResult rendered = await CommandLine.RunAsync("kubectl", ["kustomize", "deploy"], TimeSpan.FromMinutes(1), root);
        Assert.AreEqual(0, rendered.ExitCode, rendered.Output);
        StringAssert.Contains(rendered.StandardOutput, "image: " + a2);
        StringAssert.Contains(rendered.StandardOutput, "image: " + b1);
        string pinned = File.ReadAllText(Path.Combine(root, "deploy", "images", "kustomization.yaml"));
        Assert.AreEqual(Recipe(File.ReadAllText(GitHubDoc), "kustomize").Replace("git diff --stat -- deploy/images\n", ""), Recipe(File.ReadAllText(GitLabDoc), "kustomize"), "The GitLab recipe pins the same way.");

        // kubectl set image: only the changed Deployment is touched, from the results file (GitHub) and from the dotenv variables (GitLab).
        Dictionary<string, string> cluster = FakeKubectl(root, kube);
        CommandResult kubectl = await RunRecipeAsync(GitHubDoc, "kubectl", root, cluster);
        StringAssert.Contains(kubectl.Output, $"appb: unchanged ({b1})");
        CollectionAssert.AreEqual(new[] { $"set image deployment/appa appa={a2}" }, File.ReadAllLines(Path.Combine(kube, "log")));
        Assert.AreEqual(a2, File.ReadAllText(Path.Combine(kube, "appa")).Trim());

        File.WriteAllText(Path.Combine(kube, "appa"), a1);
        File.Delete(Path.Combine(kube, "log"));
        CommandResult gitlab = await RunRecipeAsync(GitLabDoc, "deploy", root, new Dictionary<string, string>(cluster.Concat(dotenv)));
        StringAssert.Contains(gitlab.Output, $"appb: unchanged ({b1})");
        CollectionAssert.AreEqual(new[] { $"set image deployment/appa appa={a2}" }, File.ReadAllLines(Path.Combine(kube, "log")));

        // The release job: what the manifests pin is what the sources build.
        CommandResult verify = await RunRecipeAsync(GitHubDoc, "verify", root, github);
        StringAssert.Contains(verify.Output, $"ContainerCache: verified: {a2} (");
        StringAssert.Contains(verify.Output, $"ContainerCache: verified: {b1} (");
        Assert.AreEqual(Recipe(File.ReadAllText(GitHubDoc), "verify"), Recipe(File.ReadAllText(GitLabDoc), "verify"), "The GitLab release job verifies the same way.");

        // A manifest that names another image than the sources build fails the release.
        File.WriteAllText(Path.Combine(root, "deploy", "images", "kustomization.yaml"), pinned.Replace(Digest(second, "AppA"), Digest(first, "AppA")));
        string failing = Path.Combine(root, "verify-old.sh");
        File.WriteAllText(failing, Recipe(File.ReadAllText(GitHubDoc), "verify"));
        CommandResult stale = await CommandLine.RunAsync("bash", ["--noprofile", "--norc", "-eo", "pipefail", failing], TimeSpan.FromMinutes(10), root, Dotnet.Environment(github));
        Assert.AreNotEqual(0, stale.ExitCode, stale.Output);
        StringAssert.Contains(stale.Output, "CONTAINERCACHE1006");
    }

    // A multi-platform publish's lines (a line per platform image, then the index pinned by the digest
    // the registry serves) and outputs: on MultiPlatformTests' registry publishes.

    // A publish into the local Docker or Podman: its line names the image by its ID there, on
    // LocalStoreTests' misses.

    /// <summary>The manifests the GitHub recipe shows, written where it shows them; appb.yaml as appa.yaml "alike".</summary>
    private static void WriteManifests(string root)
    {
        string doc = File.ReadAllText(GitHubDoc);
        foreach (Match block in Regex.Matches(doc, @"```yaml\n# (deploy/[a-z./]+)[^\n]*\n(.*?)```", RegexOptions.Singleline))
        {
            string path = Path.Combine(root, block.Groups[1].Value);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, block.Groups[2].Value);
            if (block.Groups[1].Value == "deploy/appa.yaml")
            {
                File.WriteAllText(Path.Combine(root, "deploy", "appb.yaml"), block.Groups[2].Value.Replace("appa", "appb"));
            }
        }

        Directory.CreateDirectory(Path.Combine(root, "deploy", "images"));
        File.WriteAllText(Path.Combine(root, "deploy", "images", "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n");
        Assert.IsTrue(File.Exists(Path.Combine(root, "deploy", "kustomization.yaml")) && File.Exists(Path.Combine(root, "deploy", "appb.yaml")), "The doc shows the manifests.");
    }

    /// <summary>A kubectl that keeps each Deployment's image in a file: get reads it, set image writes it and logs the call.</summary>
    private static Dictionary<string, string> FakeKubectl(string root, string state)
    {
        string bin = Directory.CreateDirectory(Path.Combine(root, "fake-bin")).FullName;
        string script = Path.Combine(bin, "kubectl");
        File.WriteAllText(script, $$"""
            #!/bin/bash
            set -e
            case "$1" in
              get) cat "{{state}}/${2#deployment/}" ;;
              set) echo "set image $3 $4" >> "{{state}}/log"; echo "${4#*=}" > "{{state}}/${3#deployment/}" ;;
              *) echo "fake kubectl: $*" >&2; exit 1 ;;
            esac
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new Dictionary<string, string> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") };
    }

    /// <summary>Runs the script marked <c># recipe: NAME</c> in the doc, as the CI would: bash -eo pipefail, in the checkout.</summary>
    private static async Task<CommandResult> RunRecipeAsync(string doc, string name, string root, IReadOnlyDictionary<string, string> environment)
    {
        string script = Path.Combine(root, "ci-" + name + "-" + Path.GetFileNameWithoutExtension(doc) + ".sh");
        File.WriteAllText(script, Recipe(File.ReadAllText(doc), name));
        CommandResult result = await CommandLine.RunAsync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], TimeSpan.FromMinutes(10), root, Dotnet.Environment(environment));
        Assert.AreEqual(0, result.ExitCode, $"recipe {name} of {Path.GetFileName(doc)} failed:\n{result.Output}");
        return result;
    }

    /// <summary>The block of lines that starts with the marker and runs while the indentation does (a YAML literal block), dedented.</summary>
    internal static string Recipe(string doc, string name)
    {
        string[] lines = doc.Split('\n');
        int start = Array.FindIndex(lines, l => l.Trim() == "# recipe: " + name);
        Assert.IsTrue(start >= 0, $"No '# recipe: {name}' in the doc.");
        int indent = lines[start].Length - lines[start].TrimStart().Length;
        var script = new List<string>();
        for (int i = start; i < lines.Length && (lines[i].Trim().Length == 0 || lines[i].Length - lines[i].TrimStart().Length >= indent) && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
        {
            script.Add(lines[i].Length >= indent ? lines[i][indent..] : "");
        }

        return string.Join('\n', script).TrimEnd() + "\n";
    }

    private static IReadOnlyList<JsonElement> ReadResults(string root) =>
        File.ReadAllLines(Path.Combine(root, "containercache.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static JsonElement Result(IReadOnlyList<JsonElement> results, string project) => results.Single(r => r.GetProperty("project").GetString() == project);

    private static string Image(IReadOnlyList<JsonElement> results, string project) => Result(results, project).GetProperty("image").GetString()!;

    private static string Digest(IReadOnlyList<JsonElement> results, string project) => Result(results, project).GetProperty("digest").GetString()!;
}
