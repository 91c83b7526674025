using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using System.Xml.Linq;
using NUnit.Framework;

namespace Twirp.Packaging.Tests.Infrastructure;

/// <summary>
/// The repository's shipping packages, packed with a version no one else uses into a temporary folder
/// feed. The unique version keeps the NuGet global cache from serving an older build of the same version,
/// and the separate artifacts path keeps the pack from touching the repository's own bin/obj folders.
/// </summary>
public sealed class LocalPackages
{
    private LocalPackages(string repositoryRoot, string feed, string version)
    {
        RepositoryRoot = repositoryRoot;
        Feed = feed;
        Version = version;
    }

    public string RepositoryRoot { get; }

    public string Feed { get; }

    public string Version { get; }

    public static string FindRepositoryRoot() =>
        typeof(LocalPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;

    public static async Task<LocalPackages> PackAsync(string workDirectory)
    {
        var root = FindRepositoryRoot();
        var feed = Path.Combine(workDirectory, "feed");
        var version = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var result = await DotNetCli.RunAsync(root, TimeSpan.FromMinutes(15),
            "pack", Path.Combine(root, "Twirp.sln"), "-c", "Release", "-o", feed, "-nodeReuse:false",
            $"-p:Version={version}", "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(workDirectory, "artifacts")}");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return new LocalPackages(root, feed, version);
    }

    public bool Contains(string packageId) => File.Exists(PackagePath(packageId));

    public string PackagePath(string packageId) => Path.Combine(Feed, $"{packageId}.{Version}.nupkg");

    /// <summary>A version from the repository's Directory.Packages.props, so the consumers use what we test with.</summary>
    public string CentralVersion(string packageId) =>
        XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == packageId)
            .Attribute("Version")!.Value;

    /// <summary>Removes this run's packages from the NuGet global cache, which would otherwise keep them forever.</summary>
    public void RemoveFromGlobalCache()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in Directory.EnumerateFiles(Feed, "*.nupkg"))
        {
            var id = Path.GetFileName(package)[..^($".{Version}.nupkg".Length)];
            var idFolder = Path.Combine(cache, id.ToLowerInvariant());
            var folder = Path.Combine(idFolder, Version.ToLowerInvariant());
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
            {
                Directory.Delete(idFolder);
            }
        }
    }
}
