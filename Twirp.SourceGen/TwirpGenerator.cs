using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Emit;
using Twirp.SourceGen.Input;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;
using Twirp.SourceGen.Resolution;

namespace Twirp.SourceGen;

/// <summary>
/// Reads the services of every <c>.proto</c> in <c>AdditionalFiles</c> and emits Twirp servers and
/// clients for them. Pipeline: read -> parse (per file) -> resolve (all files) -> emit (per service).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class TwirpGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var inputs = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".proto", StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) => ReadInput(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(StepNames.ReadProto);

        var parsed = inputs
            .Select(static (input, _) => new ParsedProto(ProtoParser.Parse(input.Path, input.Text), input.Metadata, input.SearchPaths))
            .WithTrackingName(StepNames.ParseProto);

        var references = context.CompilationProvider
            .Select(static (compilation, _) => new ReferencedRuntimes(
                compilation.GetTypeByMetadataName(WellKnownTypeNames.ServerMarker) is not null,
                compilation.GetTypeByMetadataName(WellKnownTypeNames.ClientMarker) is not null))
            .WithTrackingName(StepNames.ReferencedRuntimes);

        var resolved = parsed.Collect()
            .Combine(references)
            .Select(static (pair, _) => Resolve(pair.Left, pair.Right))
            .WithTrackingName(StepNames.Resolve);

        var services = resolved
            .SelectMany(static (result, _) => result.Services.AsImmutableArray())
            .WithTrackingName(StepNames.Services);

        context.RegisterSourceOutput(WithoutMissingMessages(context, services), static (output, service) => Emit(output, service));

        var diagnostics = resolved
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(StepNames.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (output, items) =>
        {
            foreach (var diagnostic in items)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    private static ProtoInput ReadInput(AdditionalText text, AnalyzerConfigOptionsProvider optionsProvider, CancellationToken cancellationToken)
    {
        var content = text.GetText(cancellationToken)?.ToString() ?? string.Empty;
        var metadata = ProtoFileMetadata.Read(text.Path, optionsProvider.GetOptions(text), optionsProvider.GlobalOptions);
        var searchPaths = ProtoSearchPaths.Create(text.Path, projectDirectory: null, metadata.ProtoRoot, metadata.AdditionalImportDirs);
        return new ProtoInput(text.Path, content, metadata, searchPaths);
    }

    private static ResolveResult Resolve(ImmutableArray<ParsedProto> files, ReferencedRuntimes references)
    {
        var services = new List<ServiceModel>();
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var file in files)
        {
            diagnostics.AddRange(file.File.Diagnostics);
            diagnostics.AddRange(file.Metadata.Diagnostics);
        }
        try
        {
            var inputs = new List<(ProtoFileModel, ProtoSearchPaths)>(files.Length);
            foreach (var file in files)
            {
                inputs.Add((file.File, file.SearchPaths));
            }
            var compilation = ProtoCompilation.Create(inputs);
            diagnostics.AddRange(compilation.Diagnostics);
            var emitted = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < files.Length; i++)
            {
                var file = files[i];
                if (!file.Metadata.Generate)
                {
                    continue;
                }
                var options = file.Metadata.ToFileOptions(file.File.Path, file.File.Services.Count != 0, references.HasServer, references.HasClient, diagnostics);
                ServiceModelBuilder.Build(compilation.Inputs[i], options, compilation, emitted, services, diagnostics);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never crash the build: report the failure and emit nothing rather than something half-resolved.
            services.Clear();
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, "the .proto files", exception.GetType().Name + ": " + exception.Message));
        }
        return new ResolveResult(services.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static void Emit(SourceProductionContext output, ServiceModel service)
    {
        output.AddSource(MethodsEmitter.HintName(service), SourceText.From(MethodsEmitter.Emit(service), System.Text.Encoding.UTF8));
        if (service.GenerateServer)
        {
            output.AddSource(ServerEmitter.HintName(service), SourceText.From(ServerEmitter.Emit(service), System.Text.Encoding.UTF8));
        }
        if (service.GenerateClient)
        {
            output.AddSource(ClientEmitter.HintName(service), SourceText.From(ClientEmitter.Emit(service), System.Text.Encoding.UTF8));
        }
    }

    private sealed record ProtoInput(string Path, string Text, ProtoFileMetadata Metadata, ProtoSearchPaths SearchPaths);

    private sealed record ParsedProto(ProtoFileModel File, ProtoFileMetadata Metadata, ProtoSearchPaths SearchPaths);

    private sealed record ReferencedRuntimes(bool HasServer, bool HasClient);

    private sealed record ResolveResult(EquatableArray<ServiceModel> Services, EquatableArray<DiagnosticInfo> Diagnostics);
}

/// <summary>The tracking names of the pipeline's steps, for caching tests.</summary>
internal static class StepNames
{
    public const string ReadProto = nameof(ReadProto);
    public const string ParseProto = nameof(ParseProto);
    public const string ReferencedRuntimes = nameof(ReferencedRuntimes);
    public const string Resolve = nameof(Resolve);
    public const string Services = nameof(Services);
    public const string Diagnostics = nameof(Diagnostics);
    public const string RequiredMessages = nameof(RequiredMessages);
    public const string MissingMessages = nameof(MissingMessages);
    public const string EmittedServices = nameof(EmittedServices);
}

/// <summary>Types whose presence in the compilation turns on server or client generation.</summary>
internal static class WellKnownTypeNames
{
    public const string ServerMarker = "Twirp.ITwirpService";
    public const string ClientMarker = "Twirp.TwirpClient";
}
