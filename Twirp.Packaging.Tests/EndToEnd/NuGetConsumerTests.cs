using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Packaging.Tests.Infrastructure;

namespace Twirp.Packaging.Tests.EndToEnd;

/// <summary>
/// The path a user takes: brand-new projects outside this repository that reference only our NuGet
/// packages (from a local feed) and Grpc.Tools, plus one shared <c>.proto</c>. A web project serves the
/// service, a console project calls it with the generated client, then the <c>.proto</c> gains a method.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public class NuGetConsumerTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private string _work = null!;
    private LocalPackages _packages = null!;
    private ConsumerProjects _projects = null!;
    private TemplateProjects _templates = null!;
    private CommandResult _withoutGrpcTools = null!;

    [OneTimeSetUp]
    public async Task PackAndCreateProjects()
    {
        _work = Path.Combine(Path.GetTempPath(), "twirp-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_work);
        var clock = Stopwatch.StartNew();
        _packages = await LocalPackages.PackAsync(_work);
        TestContext.Progress.WriteLine($"[packaging e2e] pack: {clock.Elapsed.TotalSeconds:F0} s");

        _projects = new ConsumerProjects(Path.Combine(_work, "consumer"), _packages);
        _projects.Write();

        clock.Restart();
        _templates = await TemplateProjects.CreateAsync(_packages, Path.Combine(_projects.Root, "FromTemplates"), Path.Combine(_work, "template-hive"));
        TestContext.Progress.WriteLine($"[packaging e2e] dotnet new install + twirp-server + twirp-client: {clock.Elapsed.TotalSeconds:F0} s");

        clock.Restart();
        var withoutGrpcTools = DotNetCli.RunAsync(_projects.WithoutGrpcTools, BuildTimeout, "build", "-nodeReuse:false", "-consoleLoggerParameters:NoSummary");
        await Task.WhenAll(BuildAsync(_projects.Web), BuildAsync(_projects.Caller), withoutGrpcTools);
        _withoutGrpcTools = await withoutGrpcTools;
        TestContext.Progress.WriteLine($"[packaging e2e] restore + build of the projects: {clock.Elapsed.TotalSeconds:F0} s");

        clock.Restart();
        await Task.WhenAll(BuildAsync(_templates.Server), BuildAsync(_templates.Client));
        TestContext.Progress.WriteLine($"[packaging e2e] restore + build of the template projects: {clock.Elapsed.TotalSeconds:F0} s");
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        _packages?.RemoveFromGlobalCache();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A killed server can hold a file for a moment; the OS cleans the temp folder eventually.
        }
    }

    [Test, Order(1)]
    public void The_generator_package_holds_the_analyzer_and_MSBuild_files_and_nothing_else()
    {
        using var package = ZipFile.OpenRead(_packages.PackagePath("Twirp.SourceGen"));
        var files = package.Entries.Select(e => e.FullName).Where(name => !IsPackagingPart(name)).ToList();

        Assert.That(files, Is.EquivalentTo(new[]
        {
            "analyzers/dotnet/cs/Twirp.SourceGen.dll",
            "build/Twirp.SourceGen.props",
            "build/Twirp.SourceGen.targets",
            "buildTransitive/Twirp.SourceGen.props",
            "buildTransitive/Twirp.SourceGen.targets",
            "README.md",
        }));
        var nuspec = ReadEntry(package, "Twirp.SourceGen.nuspec");
        Assert.That(nuspec, Does.Contain("<developmentDependency>true</developmentDependency>"));
        Assert.That(nuspec, Does.Not.Contain("<dependencies>"), "the generator must not drag Roslyn or anything else into the user's project");
    }

    [TestCase("Twirp.Core")]
    [TestCase("Twirp.Runtime")]
    [TestCase("Twirp.Client")]
    [TestCase("Twirp.Queue")]
    [TestCase("Twirp.Queue.Sqlite")]
    [TestCase("Twirp.Queue.PostgreSql")]
    [TestCase("Twirp.Testing")]
    [TestCase("Twirp.OpenApi")]
    [Order(1)]
    public void Library_packages_carry_metadata_readme_and_symbols(string packageId)
    {
        using var package = ZipFile.OpenRead(_packages.PackagePath(packageId));
        var nuspec = ReadEntry(package, packageId + ".nuspec");

        Assert.That(package.Entries.Select(e => e.FullName), Does.Contain("README.md").And.Contain($"lib/net8.0/{packageId}.dll").And.Contain($"lib/net10.0/{packageId}.xml"));
        Assert.That(nuspec, Does.Contain("<license type=\"expression\">MIT</license>").And.Contain("<readme>README.md</readme>")
            .And.Contain("<repository type=\"git\"").And.Contain("<tags>twirp").And.Contain("<description>"));
        Assert.That(File.Exists(Path.Combine(_packages.Feed, $"{packageId}.{_packages.Version}.snupkg")), "symbol package");
    }

    [Test, Order(2)]
    public async Task The_web_project_serves_a_call_the_console_project_makes_with_the_generated_client()
    {
        using var server = await StartWebAsync();

        var call = await RunCallerAsync(server.Url, "10");

        Assert.That(call.ExitCode, Is.Zero, call + "\n--- server ---\n" + server.Process.Output);
        Assert.That(call.Output, Does.Contain("hat: 10 inches, fedora"));
    }

    [Test, Order(1)]
    public void The_templates_package_holds_both_templates_with_the_packed_versions_written_in()
    {
        using var package = ZipFile.OpenRead(_packages.PackagePath("Twirp.Templates"));
        var files = package.Entries.Select(e => e.FullName).ToList();
        var nuspec = ReadEntry(package, "Twirp.Templates.nuspec");

        Assert.That(nuspec, Does.Contain("<packageType name=\"Template\" />").And.Contain("<readme>README.md</readme>"));
        Assert.That(files, Has.None.StartsWith("lib/"), "content only");
        Assert.That(files, Has.None.Contains("/bin/").And.None.Contains("/obj/"));
        foreach (var template in new[] { "twirp-server", "twirp-client" })
        {
            var manifest = ReadEntry(package, $"content/{template}/.template.config/template.json");
            Assert.That(manifest, Does.Contain($"\"defaultValue\": \"{_packages.Version}\"").And.Contain($"\"value\": \"{_packages.CentralVersion("Grpc.Tools")}\""), template);
            Assert.That(manifest, Does.Not.Contain("@TWIRP_VERSION@").And.Not.Contain("@GRPC_TOOLS_VERSION@"), template);
            Assert.That(files, Does.Contain($"content/{template}/Protos/haberdasher.proto"), template);
        }
    }

    [Test, Order(2)]
    public async Task The_client_made_by_twirp_client_calls_the_server_made_by_twirp_server()
    {
        var project = File.ReadAllText(Path.Combine(_templates.Server, "HatServer.csproj"));
        Assert.That(project, Does.Contain($"<PackageReference Include=\"Twirp.Runtime\" Version=\"{_packages.Version}\" />"));
        using var server = await StartAsync(_templates.Server, "HatServer");

        var hat = await RunDllAsync(_templates.Client, "HatCaller", server.Url, "11");
        var refused = await RunDllAsync(_templates.Client, "HatCaller", server.Url, "0");

        Assert.That(hat.ExitCode, Is.Zero, hat + "\n--- server ---\n" + server.Process.Output);
        Assert.That(hat.Output, Does.Match(@"Made a \w+ [\w ]+, 11 inches\."));
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.Output, Does.Contain("invalid_argument: inches must be positive"));
    }

    [Test, Order(2)]
    public async Task The_web_project_serves_the_OpenAPI_document_of_its_service_from_the_Twirp_OpenApi_package()
    {
        using var server = await StartWebAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/twirp.json"));

        var root = document.RootElement;
        Assert.That(root.GetProperty("openapi").GetString(), Does.StartWith("3.1"));
        var operation = root.GetProperty("paths").GetProperty("/twirp/e2e.hats.Haberdasher/MakeHat").GetProperty("post");
        Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo("e2e.hats.Haberdasher.MakeHat"));
        Assert.That(root.GetProperty("components").GetProperty("schemas").TryGetProperty("e2e.hats.Hat", out _), "the response message's schema");
    }

    [Test, Order(2)]
    public async Task The_web_project_adds_its_service_to_the_Microsoft_AspNetCore_OpenApi_document_through_the_Twirp_OpenApi_package()
    {
        using var package = ZipFile.OpenRead(_packages.PackagePath("Twirp.OpenApi"));
        var nuspec = ReadEntry(package, "Twirp.OpenApi.nuspec");
        using var server = await StartWebAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        string DependenciesOf(string framework) =>
            Regex.Match(nuspec, $@"<group targetFramework=""{framework}"">(.*?)</group>", RegexOptions.Singleline).Groups[1].Value;
        Assert.That(DependenciesOf("net10.0"), Does.Contain("<dependency id=\"Microsoft.AspNetCore.OpenApi\""));
        Assert.That(DependenciesOf("net8.0"), Does.Contain("<dependency id=\"Twirp.Runtime\"").And.Not.Contain("Microsoft.AspNetCore.OpenApi"));
        var root = document.RootElement;
        var operation = root.GetProperty("paths").GetProperty("/twirp/e2e.hats.Haberdasher/MakeHat").GetProperty("post");
        Assert.That(operation.GetProperty("operationId").GetString(), Is.EqualTo("e2e.hats.Haberdasher.MakeHat"));
        Assert.That(root.GetProperty("components").GetProperty("schemas").TryGetProperty("e2e.hats.Hat", out _), "the response message's schema");
        Assert.That(root.GetProperty("components").GetProperty("responses").TryGetProperty("TwirpError404", out _), "the Twirp error responses");
    }

    [Test, Order(3)]
    public void Metadata_on_the_Protobuf_item_reaches_the_generator_and_an_explicit_AdditionalFiles_item_is_not_doubled()
    {
        // Caller.csproj: <Protobuf Access="Internal" TwirpServices="Client"/> plus an explicit
        // <AdditionalFiles> for the same file, written with a different relative path.
        var generated = GeneratedFiles(_projects.Caller);

        Assert.That(generated.Select(Path.GetFileName), Is.Unique);
        Assert.That(generated.Select(Path.GetFileName), Has.None.Contains("TwirpServer"), "TwirpServices=\"Client\" generates no server");
        var descriptors = File.ReadAllText(generated.Single(f => f.EndsWith("e2e.hats.Haberdasher.Twirp.g.cs", StringComparison.Ordinal)));
        Assert.That(descriptors, Does.Contain("internal static partial class HaberdasherTwirp"));
        var client = File.ReadAllText(generated.Single(f => f.EndsWith("e2e.hats.Haberdasher.TwirpClient.g.cs", StringComparison.Ordinal)));
        Assert.That(client, Does.Contain("internal partial class HaberdasherClient"));
    }

    [Test, Order(4)]
    public async Task A_method_added_to_the_proto_is_generated_on_rebuild_and_can_be_called()
    {
        File.WriteAllText(_projects.ProtoPath, ConsumerProjects.ProtoWithMeasure);
        _projects.WritePrograms(measure: true);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(BuildAsync(_projects.Web), BuildAsync(_projects.Caller));
        TestContext.Progress.WriteLine($"[packaging e2e] rebuild of both projects: {clock.Elapsed.TotalSeconds:F0} s");

        var server = File.ReadAllText(GeneratedFiles(_projects.Web).Single(f => f.EndsWith("e2e.hats.Haberdasher.TwirpServer.g.cs", StringComparison.Ordinal)));
        Assert.That(server, Does.Contain("Measure("));
        using var web = await StartWebAsync();
        var call = await RunCallerAsync(web.Url, "7");
        Assert.That(call.ExitCode, Is.Zero, call + "\n--- server ---\n" + web.Process.Output);
        Assert.That(call.Output, Does.Contain("hat: 7 inches, fedora").And.Contain("measured: 7 inches"));
    }

    [Test, Order(5)]
    public void Without_Grpc_Tools_the_build_fails_with_TWIRP053_on_the_rpc_line_and_no_CS0246()
    {
        var output = _withoutGrpcTools.Output;
        var rpcLine = ConsumerProjects.Proto.Split('\n').ToList().FindIndex(line => line.Contains("rpc MakeHat", StringComparison.Ordinal)) + 1;

        Assert.That(_withoutGrpcTools.ExitCode, Is.Not.Zero, _withoutGrpcTools.ToString());
        Assert.That(output, Does.Contain($"hats.proto({rpcLine},").And.Contain("error TWIRP053"), _withoutGrpcTools.ToString());
        Assert.That(output, Does.Not.Contain("CS0246"), _withoutGrpcTools.ToString());
    }

    private async Task BuildAsync(string project)
    {
        var result = await DotNetCli.RunAsync(project, BuildTimeout, "build", "-nodeReuse:false", "-consoleLoggerParameters:NoSummary");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Output.Split('\n').Where(line => line.Contains(" TWIRP", StringComparison.Ordinal)), Is.Empty, result.ToString());
    }

    private static string[] GeneratedFiles(string project) =>
        Directory.GetFiles(Path.Combine(project, "obj"), "*.g.cs", SearchOption.AllDirectories)
            .Where(path => path.Contains("Twirp.SourceGen.TwirpGenerator", StringComparison.Ordinal))
            .ToArray();

    private Task<WebServer> StartWebAsync() => StartAsync(_projects.Web, "Web");

    private static async Task<WebServer> StartAsync(string project, string assemblyName)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var process = DotNetCli.StartLongRunning(project, Path.Combine(project, "bin", "Debug", "net10.0", assemblyName + ".dll"), "--urls", url);
        try
        {
            await process.WaitForOutputAsync("Now listening on", TimeSpan.FromSeconds(60));
            return new WebServer(url, process);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private Task<CommandResult> RunCallerAsync(string url, params string[] arguments) =>
        RunDllAsync(_projects.Caller, "Caller", [url, .. arguments]);

    private static Task<CommandResult> RunDllAsync(string project, string assemblyName, params string[] arguments) =>
        DotNetCli.RunAsync(project, TimeSpan.FromSeconds(60), [Path.Combine(project, "bin", "Debug", "net10.0", assemblyName + ".dll"), .. arguments]);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsPackagingPart(string name) =>
        name.StartsWith("_rels/", StringComparison.Ordinal) || name.StartsWith("package/", StringComparison.Ordinal)
        || name == "[Content_Types].xml" || name.EndsWith(".nuspec", StringComparison.Ordinal);

    private static string ReadEntry(ZipArchive package, string name)
    {
        using var reader = new StreamReader(package.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private sealed record WebServer(string Url, RunningProcess Process) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }
}
