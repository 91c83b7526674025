using System;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Twirp.SourceGen.Tests.Infrastructure;

public class SnapshotHelperTests
{
    [Test]
    public void Matching_text_passes_and_leaves_no_received_file()
    {
        var directory = CreateTempDirectory();
        var testFile = Path.Combine(directory, "SomeTests.cs");
        File.WriteAllText(Path.Combine(directory, "SomeTests.Case#Out.g.verified.cs"), "line1\r\nline2\n");

        Snapshot.Verify("line1\nline2\n", "Out.g.cs", testFile: testFile, testMethod: "Case");

        Assert.That(File.Exists(Path.Combine(directory, "SomeTests.Case#Out.g.received.cs")), Is.False);
    }

    [Test]
    public void Mismatch_fails_and_writes_received_file()
    {
        if (Snapshot.AcceptMode)
        {
            Assert.Ignore("Accept mode writes baselines instead of failing.");
        }
        var directory = CreateTempDirectory();
        var testFile = Path.Combine(directory, "SomeTests.cs");
        File.WriteAllText(Path.Combine(directory, "SomeTests.Case#Out.g.verified.cs"), "old\n");

        Assert.Throws<AssertionException>(() => Snapshot.Verify("new\n", "Out.g.cs", testFile: testFile, testMethod: "Case"));

        Assert.That(File.ReadAllText(Path.Combine(directory, "SomeTests.Case#Out.g.received.cs")), Is.EqualTo("new\n"));
    }

    [Test]
    public void Missing_baseline_fails_and_writes_received_file()
    {
        if (Snapshot.AcceptMode)
        {
            Assert.Ignore("Accept mode writes baselines instead of failing.");
        }
        var directory = CreateTempDirectory();
        var testFile = Path.Combine(directory, "SomeTests.cs");

        Assert.Throws<AssertionException>(() => Snapshot.Verify("text\n", "New.cs", testFile: testFile, testMethod: "Case"));

        Assert.That(File.Exists(Path.Combine(directory, "SomeTests.Case#New.received.cs")), Is.True);
    }

    [Test]
    public void Every_verified_file_belongs_to_an_existing_test()
    {
        var testMethods = typeof(SnapshotHelperTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods().Select(method => type.Name + "." + method.Name))
            .ToHashSet(StringComparer.Ordinal);
        var orphans = Directory.EnumerateFiles(Snapshot.ProjectDirectory, "*.verified.*", SearchOption.AllDirectories)
            .Where(path => !path.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar)
                && !path.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar))
            .Select(Path.GetFileName)
            .Where(name => !testMethods.Contains(name!.Substring(0, name.IndexOf('#') is var hash and >= 0 ? hash : name.IndexOf(".verified", StringComparison.Ordinal))))
            .ToList();

        Assert.That(orphans, Is.Empty, "Baselines whose test no longer exists; delete them.");
    }

    private static string CreateTempDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "twirp-snapshot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }
}
