using System.Collections.Generic;
using System.Text;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// Turns the services of a resolved compilation into <see cref="OpenApiServiceModel"/>s: each rpc with its
/// messages, and every message and enum they reach, fields resolved across imports. References that do
/// not resolve are left out quietly: the services' own pipeline reports them.
/// </summary>
internal sealed class OpenApiModelBuilder
{
    /// <summary>
    /// Messages the proto3 JSON mapping writes in a form of their own; Twirp.OpenApi holds their schemas,
    /// so their fields are never described.
    /// </summary>
    private static readonly HashSet<string> s_ownJsonForm = new(System.StringComparer.Ordinal)
    {
        "google.protobuf.Any", "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
        "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Empty",
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
        "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
        "google.protobuf.BytesValue", "google.protobuf.NullValue",
    };

    private readonly ProtoCompilation _compilation;
    private readonly Dictionary<string, DeclaredMessage> _messages = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, DeclaredEnum> _enums = new(System.StringComparer.Ordinal);

    public OpenApiModelBuilder(ProtoCompilation compilation)
    {
        _compilation = compilation;
        foreach (var file in compilation.Files)
        {
            var scope = file.Model.Package.Length == 0 ? string.Empty : file.Model.Package + ".";
            foreach (var message in file.Model.Messages)
            {
                IndexMessage(file, message, scope + message.Name);
            }
            foreach (var enumeration in file.Model.Enums)
            {
                _enums[scope + enumeration.Name] = new DeclaredEnum(enumeration);
            }
        }
    }

    private void IndexMessage(CompiledFile file, ProtoMessage message, string fullName)
    {
        // The first declaration wins, as in the symbol table; duplicates are reported there.
        if (!_messages.ContainsKey(fullName))
        {
            _messages[fullName] = new DeclaredMessage(file, message, fullName);
        }
        foreach (var nested in message.Messages)
        {
            IndexMessage(file, nested, fullName + "." + nested.Name);
        }
        foreach (var enumeration in message.Enums)
        {
            var enumName = fullName + "." + enumeration.Name;
            if (!_enums.ContainsKey(enumName))
            {
                _enums[enumName] = new DeclaredEnum(enumeration);
            }
        }
    }

    private readonly Reachable _reached = new();
    private readonly HashSet<string> _hintNamePrefixes = new(System.StringComparer.OrdinalIgnoreCase);

    /// <summary>Every message and enum the services built so far reach, in the order first reached.</summary>
    public OpenApiTypesModel Types => new(_reached.Messages.ToEquatableArray(), _reached.Enums.ToEquatableArray());

    /// <summary>The models of <paramref name="file"/>'s services, skipping streaming rpcs and ones whose types do not resolve.</summary>
    public void Build(CompiledFile file, HashSet<string> built, List<OpenApiServiceModel> services)
    {
        var model = file.Model;
        var ns = CSharpNames.FileNamespace(model.Package, model.CSharpNamespaceOption);
        var scope = model.Package.Length == 0 ? string.Empty : model.Package + ".";
        foreach (var service in model.Services)
        {
            var fullName = scope + service.Name;
            if (!built.Add(fullName))
            {
                continue;
            }
            var methods = new List<OpenApiMethodModel>(service.Methods.Count);
            var methodNames = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var method in service.Methods)
            {
                if (method.ClientStreaming || method.ServerStreaming || !methodNames.Add(method.Name))
                {
                    continue;
                }
                var relativeTo = fullName + "." + method.Name;
                var input = ResolveMessage(method.InputType, relativeTo, file);
                var output = ResolveMessage(method.OutputType, relativeTo, file);
                if (input is null || output is null)
                {
                    continue;
                }
                methods.Add(new OpenApiMethodModel(method.Name, input, output, Describe(method.Comments), method.IsDeprecated));
                Reach(input, _reached);
                Reach(output, _reached);
            }
            var hintNamePrefix = GeneratedNames.UniqueHintNamePrefix(GeneratedNames.HintNamePrefix(fullName, ns), fullName, ns, _hintNamePrefixes);
            services.Add(new OpenApiServiceModel(hintNamePrefix, model.Path, model.Package, service.Name, ns, Describe(service.Comments), service.IsDeprecated,
                methods.ToEquatableArray()));
        }
    }

    private string? ResolveMessage(string reference, string relativeTo, CompiledFile file)
    {
        var result = _compilation.Symbols.Lookup(reference, relativeTo, file);
        return result.Status == LookupStatus.Found && result.Symbol!.Kind == SymbolKind.Message ? result.Symbol.FullName : null;
    }

    /// <summary>Adds <paramref name="messageName"/> and everything its fields reach, each once, in the order first reached.</summary>
    private void Reach(string messageName, Reachable reached)
    {
        var pending = new Stack<string>();
        pending.Push(messageName);
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (s_ownJsonForm.Contains(name) || !reached.Names.Add(name) || !_messages.TryGetValue(name, out var declared))
            {
                continue;
            }
            var fields = new List<OpenApiFieldModel>(declared.Message.Fields.Count);
            foreach (var field in declared.Message.Fields)
            {
                var described = DescribeField(declared, field);
                if (described is null)
                {
                    continue;
                }
                fields.Add(described);
                if (described.Type == "message")
                {
                    pending.Push(described.TypeName);
                }
                else if (described.Type == "enum" && reached.Names.Add(described.TypeName))
                {
                    var enumeration = _enums[described.TypeName].Enum;
                    var values = new List<string>(enumeration.Values.Count);
                    foreach (var value in enumeration.Values)
                    {
                        values.Add(value.Name);
                    }
                    reached.Enums.Add(new OpenApiEnumModel(described.TypeName, Describe(enumeration.Comments), ProtoOption.IsDeprecated(enumeration.Options),
                        values.ToEquatableArray()));
                }
            }
            reached.Messages.Add(new OpenApiMessageModel(name, Describe(declared.Message.Comments), ProtoOption.IsDeprecated(declared.Message.Options),
                fields.ToEquatableArray()));
        }
    }

    private OpenApiFieldModel? DescribeField(DeclaredMessage declared, ProtoField field)
    {
        var relativeTo = declared.FullName + "." + field.Name;
        var cardinality = field.Label switch
        {
            FieldLabel.Repeated => OpenApiCardinality.Repeated,
            FieldLabel.Optional => OpenApiCardinality.Optional,
            _ => OpenApiCardinality.Singular,
        };
        var valueField = field;
        var keyType = string.Empty;
        if (field.Kind == FieldKind.Map)
        {
            var entry = FindNested(declared.Message, field.TypeName);
            if (entry is null || entry.Fields.Count != 2)
            {
                return null;
            }
            keyType = entry.Fields[0].TypeName;
            valueField = entry.Fields[1];
            cardinality = OpenApiCardinality.Map;
        }
        string type;
        var typeName = string.Empty;
        if (valueField.Kind == FieldKind.Scalar)
        {
            type = valueField.TypeName;
        }
        else
        {
            var result = _compilation.Symbols.Lookup(valueField.TypeName, relativeTo, declared.File);
            if (result.Status != LookupStatus.Found)
            {
                return null;
            }
            type = result.Symbol!.Kind == SymbolKind.Enum ? "enum" : "message";
            typeName = result.Symbol.FullName;
        }
        // A proto3 optional field sits alone in a synthetic oneof, which the JSON mapping does not show.
        var oneof = string.Empty;
        if (field.OneofIndex >= 0 && field.OneofIndex < declared.Message.Oneofs.Count && field.Label != FieldLabel.Optional)
        {
            oneof = declared.Message.Oneofs[field.OneofIndex].Name;
        }
        return new OpenApiFieldModel(field.Name, JsonName(field), type, typeName, cardinality, keyType, oneof, Describe(field.Comments),
            ProtoOption.IsDeprecated(field.Options));
    }

    private static ProtoMessage? FindNested(ProtoMessage message, string name)
    {
        foreach (var nested in message.Messages)
        {
            if (nested.Name == name)
            {
                return nested;
            }
        }
        return null;
    }

    /// <summary>The <c>json_name</c> option, else protoc's <c>ToJsonName</c>: underscores dropped, the letter after each capitalized.</summary>
    internal static string JsonName(ProtoField field)
    {
        var explicitName = ProtoOption.FindString(field.Options, "json_name");
        if (explicitName is not null)
        {
            return explicitName;
        }
        var builder = new StringBuilder(field.Name.Length);
        var capitalizeNext = false;
        foreach (var c in field.Name)
        {
            if (c == '_')
            {
                capitalizeNext = true;
            }
            else if (capitalizeNext)
            {
                builder.Append(c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
                capitalizeNext = false;
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>The comment as one text, lines joined with <c>\n</c>; empty when there is none.</summary>
    private static string Describe(ProtoComments comments)
    {
        var doc = ServiceModelBuilder.ToDocComment(comments);
        return doc.IsEmpty ? string.Empty : string.Join("\n", doc.Lines);
    }

    private sealed class DeclaredMessage(CompiledFile file, ProtoMessage message, string fullName)
    {
        public CompiledFile File { get; } = file;

        public ProtoMessage Message { get; } = message;

        public string FullName { get; } = fullName;
    }

    private sealed class DeclaredEnum(ProtoEnum enumeration)
    {
        public ProtoEnum Enum { get; } = enumeration;
    }

    private sealed class Reachable
    {
        public HashSet<string> Names { get; } = new(System.StringComparer.Ordinal);

        public List<OpenApiMessageModel> Messages { get; } = new();

        public List<OpenApiEnumModel> Enums { get; } = new();
    }
}
