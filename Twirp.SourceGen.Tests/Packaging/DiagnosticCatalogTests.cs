using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Packaging;

/// <summary>
/// Every diagnostic's help link must land on a section of docs/diagnostics.md. (The release files,
/// AnalyzerReleases.*.md, are already enforced at build time by the release-tracking analyzer.)
/// </summary>
public class DiagnosticCatalogTests
{
    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!);

    [Test]
    public void Every_diagnostic_ID_is_unique()
    {
        var ids = Descriptors().Select(d => d.Id).ToList();

        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids, Is.Unique);
    }

    [TestCaseSource(nameof(Descriptors))]
    public void The_help_link_points_at_a_section_of_docs_diagnostics(DiagnosticDescriptor descriptor)
    {
        var docs = File.ReadAllText(Path.Combine(Snapshot.ProjectDirectory, "..", "docs", "diagnostics.md"));
        var anchor = descriptor.Id.ToLowerInvariant();

        Assert.That(descriptor.HelpLinkUri, Does.EndWith("/docs/diagnostics.md#" + anchor));
        Assert.That(Regex.IsMatch(docs, "^## " + anchor + @"\s*$", RegexOptions.Multiline), $"docs/diagnostics.md has no '## {anchor}' section");
    }
}
