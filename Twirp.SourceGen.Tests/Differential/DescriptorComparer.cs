using System;
using System.Collections.Generic;
using System.Linq;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;
using Twirp.SourceGen.Parsing;
using Twirp.SourceGen.Resolution;

namespace Twirp.SourceGen.Tests.Differential;

/// <summary>
/// Compares one file of our front end's model (parsed and resolved) with protoc's
/// <see cref="FileDescriptorProto"/> for it, and lists every difference: package, syntax, imports, the
/// options we use, messages (fields with resolved types, oneofs, ranges, nesting), enums, extensions,
/// services and methods (resolved types, streaming, deprecation), and the comments protoc records for
/// services, methods, messages, fields and enums.
/// </summary>
public sealed class DescriptorComparer
{
    private readonly CompiledFile _file;
    private readonly ProtoCompilation _compilation;
    private readonly FileDescriptorProto _descriptor;
    private readonly List<string> _differences = new();
    private readonly Dictionary<string, SourceCodeInfo.Types.Location> _locations = new(StringComparer.Ordinal);

    private DescriptorComparer(CompiledFile file, ProtoCompilation compilation, FileDescriptorProto descriptor)
    {
        _file = file;
        _compilation = compilation;
        _descriptor = descriptor;
        if (descriptor.SourceCodeInfo is not null)
        {
            foreach (var location in descriptor.SourceCodeInfo.Location)
            {
                _locations.TryAdd(string.Join(",", location.Path), location);
            }
        }
    }

    internal static List<string> Compare(CompiledFile file, ProtoCompilation compilation, FileDescriptorProto descriptor)
    {
        var comparer = new DescriptorComparer(file, compilation, descriptor);
        comparer.CompareFile();
        return comparer._differences;
    }

    private void CompareFile()
    {
        var model = _file.Model;
        foreach (var diagnostic in model.Diagnostics)
        {
            Differ("diagnostics", "none", diagnostic.ToDiagnostic().ToString());
        }
        Check("package", _descriptor.Package, model.Package);
        var syntax = _descriptor.Syntax is "" or "proto2" ? ProtoSyntax.Proto2 : _descriptor.Syntax == "proto3" ? ProtoSyntax.Proto3 : ProtoSyntax.Editions;
        Check("syntax", syntax.ToString(), model.Syntax.ToString());
        Check("imports", string.Join(", ", _descriptor.Dependency), string.Join(", ", model.Imports.Select(i => i.Path)));
        Check("public imports", string.Join(", ", _descriptor.PublicDependency),
            string.Join(", ", model.Imports.Select((import, index) => (import, index)).Where(p => p.import.Kind == ImportKind.Public).Select(p => p.index)));
        Check("weak imports", string.Join(", ", _descriptor.WeakDependency),
            string.Join(", ", model.Imports.Select((import, index) => (import, index)).Where(p => p.import.Kind == ImportKind.Weak).Select(p => p.index)));

        var options = _descriptor.Options;
        Check("csharp_namespace", options?.HasCsharpNamespace == true ? options.CsharpNamespace : null, model.CSharpNamespaceOption);
        Check("java_package", options?.HasJavaPackage == true ? options.JavaPackage : null, ProtoOption.FindString(model.Options, "java_package"));
        Check("go_package", options?.HasGoPackage == true ? options.GoPackage : null, ProtoOption.FindString(model.Options, "go_package"));

        var scope = model.Package.Length == 0 ? string.Empty : model.Package + ".";
        CompareList("message", _descriptor.MessageType, model.Messages, d => d.Name, m => m.Name,
            (d, m, i) => CompareMessage(d, m, scope + m.Name, new[] { 4, i }));
        CompareList("enum", _descriptor.EnumType, model.Enums, d => d.Name, e => e.Name,
            (d, e, i) => CompareEnum(d, e, scope + e.Name, new[] { 5, i }));
        CompareExtensions(_descriptor.Extension, model.Extends, model.Package);
        CompareList("service", _descriptor.Service, model.Services, d => d.Name, s => s.Name,
            (d, s, i) => CompareService(d, s, scope + s.Name, new[] { 6, i }));
    }

    private void CompareMessage(DescriptorProto descriptor, ProtoMessage message, string fullName, int[] path)
    {
        if (message.Kind == ProtoMessageKind.Message)
        {
            CompareComments(fullName, path, message.Comments);
        }
        var syntheticOneofs = descriptor.Field.Where(f => f.Proto3Optional).Select(f => f.OneofIndex).ToHashSet();
        CompareList(fullName + " field", descriptor.Field, message.Fields, d => d.Name, f => f.Name, (d, f, i) =>
        {
            var name = fullName + "." + f.Name;
            Check(name + " number", d.Number, f.Number);
            Check(name + " repeated", d.Label == FieldDescriptorProto.Types.Label.Repeated, f.Label == FieldLabel.Repeated);
            if (d.Label == FieldDescriptorProto.Types.Label.Required)
            {
                Check(name + " required", true, f.Label == FieldLabel.Required);
            }
            Check(name + " type", d.HasTypeName ? d.TypeName : null, ResolveFieldType(f, name));
            Check(name + " proto3 optional", d.Proto3Optional, f.Label == FieldLabel.Optional && _file.Model.Syntax == ProtoSyntax.Proto3);
            Check(name + " oneof", d.HasOneofIndex && !d.Proto3Optional ? d.OneofIndex : -1, f.OneofIndex);
            if ((f.Kind is FieldKind.Scalar or FieldKind.Named) && message.Kind != ProtoMessageKind.MapEntry)
            {
                CompareComments(name, path.Concat(new[] { 2, i }).ToArray(), f.Comments);
            }
        });
        var oneofs = descriptor.OneofDecl.Where((_, index) => !syntheticOneofs.Contains(index)).ToList();
        Check(fullName + " oneofs", string.Join(", ", oneofs.Select(o => o.Name)), string.Join(", ", message.Oneofs.Select(o => o.Name)));

        var messageSet = descriptor.Options?.MessageSetWireFormat == true;
        Check(fullName + " extension ranges",
            string.Join(", ", descriptor.ExtensionRange.Select(r => $"{r.Start}-{r.End}")),
            string.Join(", ", message.ExtensionRanges.Select(r => $"{r.Start}-{(messageSet && r.End == ProtoLimits.MaxFieldNumber ? int.MaxValue : r.End + 1)}")));
        Check(fullName + " reserved ranges",
            string.Join(", ", descriptor.ReservedRange.Select(r => $"{r.Start}-{r.End}")),
            string.Join(", ", message.ReservedRanges.Select(r => $"{r.Start}-{r.End + 1}")));
        Check(fullName + " reserved names", string.Join(", ", descriptor.ReservedName), string.Join(", ", message.ReservedNames));
        Check(fullName + " map entry", descriptor.Options?.MapEntry == true, message.Kind == ProtoMessageKind.MapEntry);

        CompareList(fullName + " nested message", descriptor.NestedType, message.Messages, d => d.Name, m => m.Name,
            (d, m, i) => CompareMessage(d, m, fullName + "." + m.Name, path.Concat(new[] { 3, i }).ToArray()));
        CompareList(fullName + " nested enum", descriptor.EnumType, message.Enums, d => d.Name, e => e.Name,
            (d, e, i) => CompareEnum(d, e, fullName + "." + e.Name, path.Concat(new[] { 4, i }).ToArray()));
        CompareExtensions(descriptor.Extension, message.Extends, fullName);
    }

    private void CompareEnum(EnumDescriptorProto descriptor, ProtoEnum enumeration, string fullName, int[] path)
    {
        CompareComments(fullName, path, enumeration.Comments);
        Check(fullName + " values",
            string.Join(", ", descriptor.Value.Select(v => v.Name + "=" + v.Number)),
            string.Join(", ", enumeration.Values.Select(v => v.Name + "=" + v.Number)));
        Check(fullName + " reserved ranges",
            string.Join(", ", descriptor.ReservedRange.Select(r => $"{r.Start}-{r.End}")),
            string.Join(", ", enumeration.ReservedRanges.Select(r => $"{r.Start}-{r.End}")));
        Check(fullName + " reserved names", string.Join(", ", descriptor.ReservedName), string.Join(", ", enumeration.ReservedNames));
    }

    private void CompareExtensions(RepeatedField<FieldDescriptorProto> descriptors, Model.EquatableArray<ProtoExtend> extends, string scope)
    {
        var ours = extends.SelectMany(e => e.Fields.Select(f => (Extend: e, Field: f))).ToList();
        CompareList(scope + " extension", descriptors, ours, d => d.Name, p => p.Field.Name, (d, p, _) =>
        {
            var name = (scope.Length == 0 ? string.Empty : scope + ".") + p.Field.Name;
            Check(name + " number", d.Number, p.Field.Number);
            Check(name + " extendee", d.Extendee, Resolve(p.Extend.Extendee, name));
            Check(name + " type", d.HasTypeName ? d.TypeName : null, ResolveFieldType(p.Field, name));
        });
    }

    private void CompareService(ServiceDescriptorProto descriptor, ProtoService service, string fullName, int[] path)
    {
        CompareComments(fullName, path, service.Comments);
        Check(fullName + " deprecated", descriptor.Options?.Deprecated == true, service.IsDeprecated);
        CompareList(fullName + " method", descriptor.Method, service.Methods, d => d.Name, m => m.Name, (d, m, i) =>
        {
            var name = fullName + "." + m.Name;
            Check(name + " input", d.InputType, Resolve(m.InputType, name));
            Check(name + " output", d.OutputType, Resolve(m.OutputType, name));
            Check(name + " client streaming", d.ClientStreaming, m.ClientStreaming);
            Check(name + " server streaming", d.ServerStreaming, m.ServerStreaming);
            Check(name + " deprecated", d.Options?.Deprecated == true, m.IsDeprecated);
            CompareComments(name, path.Concat(new[] { 2, i }).ToArray(), m.Comments);
        });
    }

    private void CompareComments(string element, int[] path, ProtoComments comments)
    {
        if (!_locations.TryGetValue(string.Join(",", path), out var location))
        {
            Differ(element + " source location", "(none)", "a declaration with comments");
            return;
        }
        Check(element + " leading comment", location.HasLeadingComments ? location.LeadingComments : null, comments.Leading);
        Check(element + " trailing comment", location.HasTrailingComments ? location.TrailingComments : null, comments.Trailing);
        Check(element + " detached comments", string.Join("|", location.LeadingDetachedComments), string.Join("|", comments.Detached));
    }

    private string? ResolveFieldType(ProtoField field, string fieldFullName) =>
        field.Kind == FieldKind.Scalar ? null : Resolve(field.TypeName, fieldFullName);

    private string Resolve(string reference, string relativeTo)
    {
        var result = _compilation.Symbols.Lookup(reference, relativeTo, _file);
        return result.Status == LookupStatus.Found ? "." + result.Symbol!.FullName : $"<{result.Status}: {reference}>";
    }

    private void CompareList<TDescriptor, TModel>(string what, IList<TDescriptor> descriptors, IReadOnlyList<TModel> models,
        Func<TDescriptor, string> descriptorName, Func<TModel, string> modelName, Action<TDescriptor, TModel, int> compare)
    {
        var expected = string.Join(", ", descriptors.Select(descriptorName));
        var actual = string.Join(", ", models.Select(modelName));
        if (expected != actual)
        {
            Differ(what + "s", expected, actual);
            return;
        }
        for (var i = 0; i < descriptors.Count; i++)
        {
            compare(descriptors[i], models[i], i);
        }
    }

    private void Check<T>(string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            Differ(what, expected, actual);
        }
    }

    private void Differ(string what, object? expected, object? actual) =>
        _differences.Add($"{_file.VirtualPath}: {what}: protoc has [{Show(expected)}], we have [{Show(actual)}]");

    private static string Show(object? value) => value is null ? "(none)" : value.ToString()!.Replace("\n", "\\n");
}
