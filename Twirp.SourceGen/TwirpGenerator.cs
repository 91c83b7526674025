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

        var openApiReferenced = OpenApiReferenced(context);

        var parsed = inputs
            .Combine(openApiReferenced)
            .Select(static (pair, _) => new ParsedProto(
                ProtoParser.Parse(pair.Left.Path, pair.Left.Text, pair.Right ? CommentRetention.All : CommentRetention.ServicesAndMethods),
                pair.Left.Metadata))
            .WithTrackingName(StepNames.ParseProto);

        var references = context.CompilationProvider
            .Select(static (compilation, _) => new ReferencedRuntimes(
                compilation.GetTypeByMetadataName(RuntimeMarkerTypes.Server) is not null,
                compilation.GetTypeByMetadataName(RuntimeMarkerTypes.Client) is not null,
                compilation.GetTypeByMetadataName(RuntimeMarkerTypes.OpenApi) is not null))
            .WithTrackingName(StepNames.ReferencedRuntimes);

        var resolved = parsed.Collect()
            .Combine(references)
            .Select(static (pair, _) => Resolve(pair.Left, pair.Right))
            .WithTrackingName(StepNames.Resolve);

        var services = resolved
            .SelectMany(static (result, _) => result.Services.AsImmutableArray())
            .WithTrackingName(StepNames.Services);

        var requiredMessages = resolved
            .Select(static (result, _) => result.RequiredMessages)
            .WithTrackingName(StepNames.RequiredMessages);

        context.RegisterSourceOutput(WithoutMissingMessages(context, services, requiredMessages), static (output, service) => Emit(output, service));

        InitializeOpenApi(context, parsed, openApiReferenced, resolved.Select(static (result, _) => result.Services));

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
        return new ProtoInput(text.Path, content, metadata);
    }

    private static ResolveResult Resolve(ImmutableArray<ParsedProto> files, ReferencedRuntimes references)
    {
        var services = new List<ServiceModel>();
        var required = new List<RequiredMessages>();
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var file in files)
        {
            diagnostics.AddRange(file.File.Diagnostics);
            diagnostics.AddRange(file.Metadata.Diagnostics);
        }
        try
        {
            var inputs = new List<(ProtoFileModel, ProtoSearchPaths)>(files.Length);
            var options = new List<GenerationOptions>(files.Length);
            foreach (var file in files)
            {
                inputs.Add((file.File, file.Metadata.SearchPaths));
                options.Add(file.Metadata.ToGenerationOptions(file.File.Path, file.File.Services.Count != 0, references.HasServer, references.HasClient, diagnostics));
            }
            var compilation = ProtoCompilation.Create(inputs);
            diagnostics.AddRange(compilation.Diagnostics);
            foreach (var (draft, model) in ServiceModelBuilder.Build(compilation, options, references.HasOpenApi, diagnostics))
            {
                services.Add(model);
                required.Add(RequiredMessages.Of(draft, model));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never crash the build: report the failure and emit nothing rather than something half-resolved.
            services.Clear();
            required.Clear();
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, "the .proto files", exception.GetType().Name + ": " + exception.Message));
        }
        return new ResolveResult(services.ToEquatableArray(), required.ToEquatableArray(), diagnostics.ToEquatableArray());
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

    private sealed record ProtoInput(string Path, string Text, ProtoFileMetadata Metadata);

    private sealed record ParsedProto(ProtoFileModel File, ProtoFileMetadata Metadata);

    /// <param name="HasOpenApi">Twirp.OpenApi is referenced: the OpenAPI branch emits a class per service, named here with the others.</param>
    private sealed record ReferencedRuntimes(bool HasServer, bool HasClient, bool HasOpenApi);

    /// <param name="Services">What the emitters see: nothing position-dependent, so line shifts re-emit nothing.</param>
    /// <param name="RequiredMessages">The message classes each service needs, with the rpcs' locations for TWIRP053.</param>
    private sealed record ResolveResult(EquatableArray<ServiceModel> Services, EquatableArray<RequiredMessages> RequiredMessages,
        EquatableArray<DiagnosticInfo> Diagnostics);
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
    public const string ServicesMissingMessages = nameof(ServicesMissingMessages);
    public const string EmittedServices = nameof(EmittedServices);
    public const string OpenApiReferenced = nameof(OpenApiReferenced);
    public const string OpenApiResolve = nameof(OpenApiResolve);
    public const string OpenApiServices = nameof(OpenApiServices);
    public const string OpenApiGeneratedServices = nameof(OpenApiGeneratedServices);
    public const string OpenApiTypes = nameof(OpenApiTypes);
}

/// <summary>Runtime types whose presence in the compilation turns on server or client generation.</summary>
internal static class RuntimeMarkerTypes
{
    public const string Server = "Twirp.ITwirpService";
    public const string Client = "Twirp.TwirpClient";
    public const string OpenApi = "Twirp.OpenApi.TwirpOpenApiServices";
}
