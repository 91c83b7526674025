using System;
using System.IO;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Packaging.Tests.Infrastructure;

namespace Twirp.Packaging.Tests.EndToEnd;

/// <summary>
/// Projects made the way the README says: <c>dotnet new install Twirp.Templates</c>, then
/// <c>dotnet new twirp-server</c> and <c>dotnet new twirp-client</c>. The templates are installed into
/// a hive of their own (<c>--debug:custom-hive</c>), so the user's installed templates are not touched.
/// </summary>
public sealed class TemplateProjects
{
    private TemplateProjects(string server, string client)
    {
        Server = server;
        Client = client;
    }

    public string Server { get; }

    public string Client { get; }

    /// <summary>Installs the packed templates and creates one project from each under <paramref name="root"/>.</summary>
    /// <param name="root">A folder under the consumers' root, so their nuget.config (our feed) applies.</param>
    public static async Task<TemplateProjects> CreateAsync(LocalPackages packages, string root, string hive)
    {
        await NewAsync(root, "install", packages.PackagePath("Twirp.Templates"), "--debug:custom-hive", hive);
        var projects = new TemplateProjects(Path.Combine(root, "HatServer"), Path.Combine(root, "HatCaller"));
        await NewAsync(root, "twirp-server", "-n", "HatServer", "-o", projects.Server, "--debug:custom-hive", hive);
        await NewAsync(root, "twirp-client", "-n", "HatCaller", "-o", projects.Client, "--debug:custom-hive", hive);
        return projects;
    }

    private static async Task NewAsync(string workingDirectory, params string[] arguments)
    {
        Directory.CreateDirectory(workingDirectory);
        var result = await DotNetCli.RunAsync(workingDirectory, TimeSpan.FromMinutes(2), ["new", .. arguments]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
    }
}
