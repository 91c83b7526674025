using System;
using System.Collections.Generic;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

/// <summary>Turns the services of a resolved compilation into the strings-only models the emitters take.</summary>
internal static class ServiceModelBuilder
{
    /// <summary>
    /// Builds the services of <paramref name="file"/>. <paramref name="emitted"/> holds the full names of
    /// services already built, so a service declared twice is reported instead of emitted twice.
    /// </summary>
    public static void Build(CompiledFile file, ProtoFileOptions options, ProtoCompilation compilation, HashSet<string> emitted,
        List<ServiceModel> services, List<DiagnosticInfo> diagnostics)
    {
        var model = file.Model;
        CheckMemberNames(model, diagnostics);
        var ns = CSharpNames.FileNamespace(model.Package, model.CSharpNamespaceOption);
        var scope = model.Package.Length == 0 ? string.Empty : model.Package + ".";
        foreach (var service in model.Services)
        {
            var fullName = scope + service.Name;
            if (!emitted.Add(fullName))
            {
                // Reported by the symbol table when in the same file; two unrelated files collide only here.
                if (compilation.Symbols.All.TryGetValue(fullName, out var first) && first.File != file)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, service.NameSpan.ToLocationInfo(model.Path),
                        fullName, "'" + first.File!.VirtualPath + "'"));
                }
                continue;
            }
            var methods = new List<MethodModel>(service.Methods.Count);
            var methodNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var method in service.Methods)
            {
                if (!methodNames.Add(method.Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, method.NameSpan.ToLocationInfo(model.Path),
                        fullName + "." + method.Name, "service '" + service.Name + "'"));
                    continue;
                }
                if (method.ClientStreaming || method.ServerStreaming)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StreamingNotSupported, method.NameSpan.ToLocationInfo(model.Path),
                        method.Name, service.Name));
                    continue;
                }
                var relativeTo = fullName + "." + method.Name;
                var input = Resolve(method.InputType, method.InputTypeSpan, method.Name, relativeTo, file, compilation, diagnostics);
                var output = Resolve(method.OutputType, method.OutputTypeSpan, method.Name, relativeTo, file, compilation, diagnostics);
                if (input is not null && output is not null)
                {
                    methods.Add(new MethodModel(method.Name, CSharpNames.MethodName(method.Name), input.FullName, input.CSharpName,
                        output.FullName, output.CSharpName, ToDocComment(method.Comments), method.IsDeprecated, method.NameSpan.ToLocationInfo(model.Path)));
                }
            }
            services.Add(new ServiceModel(
                model.Path, model.Package, service.Name, ns, service.Name,
                options.IsInternal, options.GenerateServer, options.GenerateClient,
                ToDocComment(service.Comments), service.IsDeprecated, methods.ToEquatableArray()));
        }
    }

    private static Symbol? Resolve(string reference, ProtoSpan span, string method, string relativeTo, CompiledFile file,
        ProtoCompilation compilation, List<DiagnosticInfo> diagnostics)
    {
        var result = compilation.Symbols.Lookup(reference, relativeTo, file);
        var location = span.ToLocationInfo(file.Model.Path);
        switch (result.Status)
        {
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

    /// <summary>Names protoc requires to be unique inside one declaration: fields, oneofs, enum values (C++ scoping: in the enum's parent).</summary>
    private static void CheckMemberNames(ProtoFileModel model, List<DiagnosticInfo> diagnostics)
    {
        var topLevelEnumValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var enumeration in model.Enums)
        {
            CheckEnumValues(model, enumeration, topLevelEnumValues, model.Package.Length == 0 ? "the file" : "package '" + model.Package + "'", diagnostics);
        }
        // One set of each, cleared per message: files hold thousands of messages.
        var names = new HashSet<string>(StringComparer.Ordinal);
        var enumValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in model.Messages)
        {
            CheckMessage(model, message, diagnostics, names, enumValues);
        }
    }

    private static void CheckMessage(ProtoFileModel model, ProtoMessage message, List<DiagnosticInfo> diagnostics,
        HashSet<string> names, Dictionary<string, string> enumValues)
    {
        names.Clear();
        foreach (var field in message.Fields)
        {
            if (!names.Add(field.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, field.NameSpan.ToLocationInfo(model.Path),
                    field.Name, "message '" + message.Name + "'"));
            }
        }
        if (message.Enums.Count > 0)
        {
            enumValues.Clear();
            foreach (var enumeration in message.Enums)
            {
                CheckEnumValues(model, enumeration, enumValues, "message '" + message.Name + "'", diagnostics);
            }
        }
        foreach (var nested in message.Messages)
        {
            CheckMessage(model, nested, diagnostics, names, enumValues);
        }
    }

    private static void CheckEnumValues(ProtoFileModel model, ProtoEnum enumeration, Dictionary<string, string> scopeValues, string scope,
        List<DiagnosticInfo> diagnostics)
    {
        foreach (var value in enumeration.Values)
        {
            if (scopeValues.TryGetValue(value.Name, out var owner))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, value.NameSpan.ToLocationInfo(model.Path),
                    value.Name, owner == enumeration.Name ? "enum '" + owner + "'" : scope + " by enum '" + owner + "' (enum values are scoped like C++: siblings of their enum)"));
                continue;
            }
            scopeValues[value.Name] = enumeration.Name;
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
