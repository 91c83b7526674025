using System;
using System.Collections.Generic;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// Turns the services of a resolved compilation into the strings-only models the emitters take: resolves
/// each rpc's types, then lets <see cref="GeneratedNames"/> name them. Duplicate names are found by the
/// symbol table (in the .proto) and by <see cref="GeneratedNames"/> (in C#), not here.
/// </summary>
internal static class ServiceModelBuilder
{
    /// <summary>
    /// Builds the services of every input file whose <paramref name="options"/> (one per
    /// <see cref="ProtoCompilation.Inputs"/> entry) asks for code, with the locations of the rpcs for the
    /// diagnostics reported once the compilation's message classes are known.
    /// </summary>
    /// <param name="openApi">Twirp.OpenApi is referenced: each service also gets a <c>{Service}TwirpOpenApi</c> class.</param>
    public static List<(ServiceDraft Draft, ServiceModel Model)> Build(ProtoCompilation compilation, IReadOnlyList<GenerationOptions> options,
        bool openApi, List<DiagnosticInfo> diagnostics)
    {
        var writesGrpcClasses = new bool[compilation.Files.Count];
        var drafts = new List<ServiceDraft>();
        var built = new HashSet<CompiledFile>();
        for (var i = 0; i < compilation.Inputs.Count; i++)
        {
            var file = compilation.Inputs[i];
            writesGrpcClasses[file.Index] |= options[i].WritesGrpcClasses;
            if (options[i].Generate && built.Add(file))
            {
                AddDrafts(file, options[i], compilation, drafts, diagnostics);
            }
        }
        return GeneratedNames.Assign(compilation, writesGrpcClasses, drafts, openApi, diagnostics);
    }

    private static void AddDrafts(CompiledFile file, GenerationOptions options, ProtoCompilation compilation, List<ServiceDraft> drafts,
        List<DiagnosticInfo> diagnostics)
    {
        var model = file.Model;
        var ns = CSharpNames.FileNamespace(model.Package, model.CSharpNamespaceOption);
        var scope = model.Package.Length == 0 ? string.Empty : model.Package + ".";
        var methodNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in model.Services)
        {
            var fullName = scope + service.Name;
            var methods = new List<DraftMethod>(service.Methods.Count);
            methodNames.Clear();
            foreach (var method in service.Methods)
            {
                // A second rpc of the same name is reported by the symbol table.
                if (!methodNames.Add(method.Name))
                {
                    continue;
                }
                var location = method.NameSpan.ToLocationInfo(model.Path);
                if (method.ClientStreaming || method.ServerStreaming)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StreamingNotSupported, location, method.Name, service.Name));
                    continue;
                }
                var relativeTo = fullName + "." + method.Name;
                var input = Resolve(method.InputType, method.InputTypeSpan, method.Name, relativeTo, file, compilation, diagnostics);
                var output = Resolve(method.OutputType, method.OutputTypeSpan, method.Name, relativeTo, file, compilation, diagnostics);
                if (input is not null && output is not null)
                {
                    methods.Add(new DraftMethod(method.Name, input.FullName, input.CSharpName, output.FullName, output.CSharpName,
                        ToDocComment(method.Comments), method.IsDeprecated, method.Idempotency, location));
                }
            }
            drafts.Add(new ServiceDraft(file.VirtualPath, model.Package, service.Name, ns, options.IsInternal, options.GenerateServer, options.GenerateClient,
                ToDocComment(service.Comments), service.IsDeprecated, methods, service.NameSpan.ToLocationInfo(model.Path)));
        }
    }

    private static Symbol? Resolve(string reference, ProtoSpan span, string method, string relativeTo, CompiledFile file,
        ProtoCompilation compilation, List<DiagnosticInfo> diagnostics)
    {
        var result = compilation.Symbols.Lookup(reference, relativeTo, file);
        var location = span.ToLocationInfo(file.Model.Path);
        switch (result.Status)
        {
            case LookupStatus.Found when result.Symbol!.Kind == SymbolKind.Message && result.Symbol.IsMapEntry:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MapEntryAsMethodType, location, reference, method));
                return null;
            case LookupStatus.Found when result.Symbol!.Kind == SymbolKind.Message:
                return result.Symbol;
            case LookupStatus.Found:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAMessageType, location, reference, method, "an enum"));
                return null;
            case LookupStatus.NotAType:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAMessageType, location, reference, method,
                    result.Symbol!.Kind == SymbolKind.Package ? "a package" : "a service"));
                return null;
            case LookupStatus.NotImported:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotImported, location, reference, method, SymbolTable.DeclaringFiles(result.Symbol!)));
                return null;
            default:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownType, location, reference, method));
                return null;
        }
    }

    /// <summary>
    /// The comment protoc's C# generator writes as XML docs: the leading comment, else the trailing one;
    /// one line per comment line, one space after the marker dropped, runs of blank lines squashed to one.
    /// </summary>
    internal static DocComment ToDocComment(ProtoComments comments)
    {
        var text = comments.Leading ?? comments.Trailing;
        if (string.IsNullOrEmpty(text))
        {
            return DocComment.None;
        }
        var lines = new List<string>();
        var pendingBlank = false;
        // Lines are found in place so each kept line is cut from the comment once.
        for (var start = 0; start <= text!.Length;)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }
            var lineStart = start;
            var lineEnd = end;
            start = end + 1;
            while (lineEnd > lineStart && char.IsWhiteSpace(text[lineEnd - 1]))
            {
                lineEnd--;
            }
            if (lineEnd > lineStart && text[lineStart] == ' ')
            {
                lineStart++;
            }
            if (lineEnd == lineStart)
            {
                pendingBlank = lines.Count > 0;
                continue;
            }
            if (pendingBlank)
            {
                lines.Add(string.Empty);
                pendingBlank = false;
            }
            lines.Add(text.Substring(lineStart, lineEnd - lineStart));
        }
        return lines.Count == 0 ? DocComment.None : new DocComment(lines.ToEquatableArray());
    }
}
