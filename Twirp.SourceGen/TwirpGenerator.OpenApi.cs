using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Twirp.SourceGen.Emit;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Resolution;

namespace Twirp.SourceGen;

public sealed partial class TwirpGenerator
{
    /// <summary>
    /// Whether the compilation references Twirp.OpenApi: only then are the OpenAPI data emitted, and the
    /// parser keeps the comments of messages, fields and enums for their descriptions.
    /// </summary>
    private static IncrementalValueProvider<bool> OpenApiReferenced(IncrementalGeneratorInitializationContext context) =>
        context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(RuntimeMarkerTypes.OpenApi) is not null)
            .WithTrackingName(StepNames.OpenApiReferenced);

    /// <summary>
    /// The OpenAPI branch: resolve (all files) -> one model per service, one of all the types they reach ->
    /// emit. Separate from the services' branch so neither's models grow with the other's needs; it
    /// resolves only when Twirp.OpenApi is referenced.
    /// </summary>
    /// <param name="generatedServices">The services the services' branch generates: a service it refuses (a name clash) gets no OpenAPI data either.</param>
    private static void InitializeOpenApi(IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<ParsedProto> parsed, IncrementalValueProvider<bool> openApiReferenced,
        IncrementalValueProvider<EquatableArray<ServiceModel>> generatedServices)
    {
        var generatedKeys = generatedServices
            .Select(static (services, _) =>
            {
                var keys = new List<string>(services.Count);
                foreach (var service in services)
                {
                    keys.Add(service.HintNamePrefix);
                }
                return keys.ToEquatableArray();
            })
            .WithTrackingName(StepNames.OpenApiGeneratedServices);

        var models = parsed.Collect()
            .Combine(openApiReferenced)
            .Select(static (pair, _) => pair.Right ? ResolveOpenApi(pair.Left) : OpenApiModels.Empty)
            .WithTrackingName(StepNames.OpenApiResolve);

        var services = models
            .SelectMany(static (result, _) => result.Services.AsImmutableArray())
            .Combine(generatedKeys)
            .Where(static pair => pair.Right.AsImmutableArray().Contains(pair.Left.HintNamePrefix))
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(StepNames.OpenApiServices);

        // No generated service, no types: when a name captures a Twirp.OpenApi type every service is refused,
        // and the types' file would not compile either.
        var types = models
            .Combine(generatedKeys)
            .Select(static (pair, _) => pair.Right.Count == 0 ? OpenApiTypesModel.Empty : pair.Left.Types)
            .WithTrackingName(StepNames.OpenApiTypes);

        context.RegisterSourceOutput(services, static (output, service) =>
            output.AddSource(OpenApiEmitter.HintName(service), SourceText.From(OpenApiEmitter.Emit(service), System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(types, static (output, types) =>
        {
            if (types.Messages.Count != 0 || types.Enums.Count != 0)
            {
                output.AddSource(OpenApiEmitter.TypesHintName, SourceText.From(OpenApiEmitter.EmitTypes(types), System.Text.Encoding.UTF8));
            }
        });
    }

    private static OpenApiModels ResolveOpenApi(ImmutableArray<ParsedProto> files)
    {
        try
        {
            var inputs = new List<(Parsing.ProtoFileModel, ProtoSearchPaths)>(files.Length);
            foreach (var file in files)
            {
                inputs.Add((file.File, file.Metadata.SearchPaths));
            }
            var compilation = ProtoCompilation.Create(inputs);
            var builder = new OpenApiModelBuilder(compilation);
            var services = new List<OpenApiServiceModel>();
            var built = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < files.Length; i++)
            {
                if (files[i].Metadata.Generate)
                {
                    builder.Build(compilation.Inputs[i], built, services);
                }
            }
            return new OpenApiModels(services.ToEquatableArray(), builder.Types);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The services' branch resolves the same files and reports the failure; emit no half-built data.
            return OpenApiModels.Empty;
        }
    }
}
