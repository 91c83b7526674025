using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Incremental;

/// <summary>
/// The pipeline caches as an incremental generator must: nothing re-runs without a change, a C# edit
/// re-parses no .proto, a .proto edit re-parses only that file, and no step holds anything that
/// compares by reference or pins a compilation.
/// </summary>
public class IncrementalCachingTests
{
    private static readonly ProtoSource Service = new("/src/app/Protos/service.proto", """
        syntax = "proto3";
        package inc;
        import "Protos/types.proto";
        import "google/protobuf/empty.proto";
        // The service.
        service Shop {
          rpc Buy(Item) returns (google.protobuf.Empty);
          rpc Up(stream Item) returns (Item);
        }
        """);

    private static readonly ProtoSource Types = new("/src/app/Protos/types.proto", "syntax = \"proto3\";\npackage inc;\nmessage Item { string sku = 1; }\n");

    private static readonly ProtoSource Other = new("/src/app/Protos/other.proto", "syntax = \"proto3\";\npackage other;\nmessage X {}\nservice O { rpc M(X) returns (X); }\n");

    private static readonly Dictionary<string, string> Options = new()
    {
        ["build_property.TwirpVerifyMessageTypes"] = "false",
        ["build_property.ProjectDir"] = "/src/app/",
    };

    /// <summary>The AdditionalText instances the driver was created with, by path: ReplaceAdditionalText needs the same instance.</summary>
    private readonly Dictionary<string, AdditionalText> _texts = new();

    private (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        var protos = new[] { Service, Types, Other };
        var texts = protos.Select(GeneratorHarness.ToAdditionalText).ToList();
        foreach (var text in texts)
        {
            _texts[text.Path] = text;
        }
        // Twirp.OpenApi "referenced": the OpenAPI branch runs too, and must cache like the rest.
        var compilation = GeneratorHarness.CreateCompilation(new[] { "public class UserCode { }", Emit.OpenApiDataTests.OpenApiMarker });
        var driver = (GeneratorDriver)GeneratorHarness.CreateDriver(protos, globalOptions: Options, texts: texts);
        driver = driver.RunGenerators(compilation);
        Assert.That(driver.GetRunResult().Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "TWIRP003" }));
        return (driver, compilation);
    }

    private GeneratorDriver Replace(GeneratorDriver driver, string path, string text)
    {
        var replacement = new InMemoryText(path, text);
        driver = driver.ReplaceAdditionalText(_texts[path], replacement);
        _texts[path] = replacement;
        return driver;
    }

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason, object? Value)> Outputs(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().TrackedSteps
            .SelectMany(pair => pair.Value.SelectMany(step => step.Outputs.Select(output => (pair.Key, output.Reason, (object?)output.Value))));

    [Test]
    public void A_second_run_without_changes_is_all_cached_or_unchanged()
    {
        var (driver, compilation) = FirstRun();

        driver = driver.RunGenerators(compilation);

        var changed = Outputs(driver).Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).ToList();
        Assert.That(changed.Select(o => $"{o.Step}: {o.Reason}"), Is.Empty);
        Assert.That(driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .Select(o => o.Reason), Has.All.EqualTo(IncrementalStepRunReason.Cached));
    }

    [Test]
    public void Editing_unrelated_CSharp_reruns_no_parse_step_and_no_emit()
    {
        var (driver, compilation) = FirstRun();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class MoreUserCode { }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);

        var outputs = Outputs(driver).ToList();
        Assert.That(outputs.Where(o => o.Step is StepNames.ReadProto or StepNames.ParseProto).Select(o => o.Reason),
            Has.All.EqualTo(IncrementalStepRunReason.Cached));
        Assert.That(outputs.Where(o => o.Step is StepNames.Resolve or StepNames.Services).Select(o => o.Reason),
            Has.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        Assert.That(driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .Select(o => o.Reason), Has.All.EqualTo(IncrementalStepRunReason.Cached));
    }

    [Test]
    public void Editing_one_proto_reparses_only_that_file()
    {
        var (driver, compilation) = FirstRun();
        var original = driver.GetRunResult();

        driver = Replace(driver, Other.Path, Other.Text.Replace("rpc M(X) returns (X);", "rpc M(X) returns (X);\n  rpc N(X) returns (X);"));
        driver = driver.RunGenerators(compilation);

        var parses = driver.GetRunResult().Results.Single().TrackedSteps[StepNames.ParseProto]
            .Select(step => (Path: FileOf(step.Outputs.Single().Value).Path, step.Outputs.Single().Reason))
            .ToList();
        Assert.That(parses, Is.EquivalentTo(new[]
        {
            (Service.Path, IncrementalStepRunReason.Cached),
            (Types.Path, IncrementalStepRunReason.Cached),
            (Other.Path, IncrementalStepRunReason.Modified),
        }));
        var services = driver.GetRunResult().Results.Single().TrackedSteps[StepNames.Services].Single().Outputs;
        Assert.That(services.Select(o => (((SourceGen.Model.ServiceModel)o.Value).FullName, o.Reason)), Is.EquivalentTo(new[]
        {
            ("inc.Shop", IncrementalStepRunReason.Unchanged),
            ("other.O", IncrementalStepRunReason.Modified),
        }), "the untouched service's model compares equal, so its code is not emitted again");
        Assert.That(original.GeneratedTrees, Has.Length.EqualTo(driver.GetRunResult().GeneratedTrees.Length));
    }

    [Test]
    public void Editing_a_comment_keeps_service_models_equal_when_the_comment_is_not_a_doc_comment()
    {
        var (driver, compilation) = FirstRun();

        driver = Replace(driver, Types.Path, "// A new header comment.\n\n" + Types.Text);
        driver = driver.RunGenerators(compilation);

        var parses = driver.GetRunResult().Results.Single().TrackedSteps[StepNames.ParseProto].SelectMany(step => step.Outputs);
        Assert.That(parses.Select(o => o.Reason), Has.Some.EqualTo(IncrementalStepRunReason.Modified), "the edited file was parsed again");
        var services = driver.GetRunResult().Results.Single().TrackedSteps[StepNames.Services].Single().Outputs;
        Assert.That(services.Select(o => o.Reason), Has.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        Assert.That(driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .Select(o => o.Reason), Has.All.EqualTo(IncrementalStepRunReason.Cached), "nothing is emitted again");
    }

    [Test]
    public void Shifting_the_lines_of_a_file_with_services_emits_nothing_again()
    {
        var (driver, compilation) = FirstRun();

        // A detached comment above the service: every rpc moves down two lines, no doc comment changes.
        driver = Replace(driver, Service.Path, Service.Text.Replace("import \"google/protobuf/empty.proto\";\n", "import \"google/protobuf/empty.proto\";\n// A note, not a doc comment.\n\n"));
        driver = driver.RunGenerators(compilation);

        var result = driver.GetRunResult();
        var parses = result.Results.Single().TrackedSteps[StepNames.ParseProto].SelectMany(step => step.Outputs);
        Assert.That(parses.Select(o => o.Reason), Has.Some.EqualTo(IncrementalStepRunReason.Modified), "the edited file was parsed again");
        var services = result.Results.Single().TrackedSteps[StepNames.Services].Single().Outputs;
        Assert.That(services.Select(o => (((SourceGen.Model.ServiceModel)o.Value).FullName, o.Reason)), Is.EquivalentTo(new[]
        {
            ("inc.Shop", IncrementalStepRunReason.Unchanged),
            ("other.O", IncrementalStepRunReason.Unchanged),
        }));
        Assert.That(result.Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .Where(o => o.Value is SourceGen.Model.ServiceModel)
            .Select(o => o.Reason), Has.All.EqualTo(IncrementalStepRunReason.Cached), "nothing is emitted again");
        Assert.That(result.Diagnostics.Single().Location.GetLineSpan().StartLinePosition.Line, Is.EqualTo(9), "the streaming warning moved with its rpc");
    }

    [Test]
    public void No_step_output_holds_a_compilation_symbol_syntax_node_location_or_plain_array()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Edit { }", GeneratorHarness.ParseOptions)));

        var problems = new List<string>();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var ourSteps = typeof(StepNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToHashSet();
        foreach (var (step, _, value) in Outputs(driver).Where(o => ourSteps.Contains(o.Step)))
        {
            Inspect(value, step, problems, visited);
        }

        Assert.That(problems.Distinct(), Is.Empty);
        var types = visited.Select(v => v.GetType()).ToHashSet();
        Assert.That(types, Is.SupersetOf(new[] { typeof(SourceGen.Parsing.ProtoFileModel), typeof(SourceGen.Parsing.ProtoService), typeof(SourceGen.Model.ServiceModel), typeof(SourceGen.Model.MethodModel) }),
            "the walk reached into the models");
    }

    private static void Inspect(object? value, string path, List<string> problems, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }
        var type = value.GetType();
        if (value is Compilation or ISymbol or SyntaxNode or SyntaxTree or Location or SemanticModel)
        {
            problems.Add($"{path} holds a {type.Name}");
            return;
        }
        if (type.IsArray)
        {
            problems.Add($"{path} holds an array {type.Name}, which compares by reference");
            return;
        }
        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            if (!path.EndsWith("EquatableArray", StringComparison.Ordinal))
            {
                problems.Add($"{path} holds an ImmutableArray outside EquatableArray, which compares by reference");
            }
            foreach (var item in (IEnumerable)value)
            {
                Inspect(item, path + "[]", problems, visited);
            }
            return;
        }
        if (type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true && type.Name is "DiagnosticDescriptor" or "LocalizableString" or "LocalizableResourceString")
        {
            return;
        }
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var owner = type.IsGenericType && type.Name.StartsWith("EquatableArray", StringComparison.Ordinal) ? ".EquatableArray" : "." + field.Name;
                Inspect(field.GetValue(value), path + owner, problems, visited);
            }
        }
    }

    private static SourceGen.Parsing.ProtoFileModel FileOf(object parsed) =>
        (SourceGen.Parsing.ProtoFileModel)parsed.GetType().GetProperty("File")!.GetValue(parsed)!;

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => _text;
    }
}
