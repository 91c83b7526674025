using System.Collections.Generic;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

/// <summary>Turns a parsed file's services into emitter models, resolving message types.</summary>
internal static class ServiceModelBuilder
{
    public static void Build(ProtoFileModel file, ProtoFileOptions options, SymbolTable symbols, List<ServiceModel> services, List<DiagnosticInfo> diagnostics)
    {
        var ns = CSharpNames.FileNamespace(file.Package, file.CSharpNamespaceOption);
        foreach (var service in file.Services)
        {
            var methods = new List<MethodModel>(service.Methods.Count);
            foreach (var method in service.Methods)
            {
                if (method.ClientStreaming || method.ServerStreaming)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StreamingNotSupported, method.Location, method.Name, service.Name));
                    continue;
                }
                var inputOk = Resolve(method.InputType, method.InputTypeLocation, method.Name, file, symbols, diagnostics, out var inputFull, out var inputCs);
                var outputOk = Resolve(method.OutputType, method.OutputTypeLocation, method.Name, file, symbols, diagnostics, out var outputFull, out var outputCs);
                if (inputOk && outputOk)
                {
                    methods.Add(new MethodModel(method.Name, method.Name, inputFull, inputCs, outputFull, outputCs, method.Comment, method.IsDeprecated, method.Location));
                }
            }
            services.Add(new ServiceModel(
                file.Path, file.Package, service.Name, ns, service.Name,
                options.IsInternal, options.GenerateServer, options.GenerateClient,
                service.Comment, service.IsDeprecated, methods.ToEquatableArray()));
        }
    }

    private static bool Resolve(string reference, LocationInfo location, string method, ProtoFileModel file, SymbolTable symbols,
        List<DiagnosticInfo> diagnostics, out string fullName, out string csharpName)
    {
        if (symbols.TryResolve(reference, file.Package, out fullName, out csharpName))
        {
            return true;
        }
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownType, location, reference, method));
        return false;
    }
}
