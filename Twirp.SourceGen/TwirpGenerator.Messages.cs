using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Resolution;

namespace Twirp.SourceGen;

public sealed partial class TwirpGenerator
{
    /// <summary>
    /// Drops the services whose request or response classes are not in the compilation and reports one
    /// TWIRP053 per rpc instead: without Grpc.Tools (or with <c>ProtoCompile="false"</c>) the user would
    /// otherwise get a CS0246 for every use of every message in the generated code.
    /// </summary>
    /// <remarks>
    /// <c>$(TwirpVerifyMessageTypes)=false</c> turns the check off, for message classes this generator
    /// cannot see: ones written by another source generator. Only type names go in and only names and diagnostics come out of the step that sees the
    /// <see cref="Compilation"/>, so it reruns on each edit but everything after it stays cached unless
    /// the answer changes.
    /// </remarks>
    private static IncrementalValuesProvider<ServiceModel> WithoutMissingMessages(IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<ServiceModel> services, IncrementalValueProvider<EquatableArray<RequiredMessages>> required)
    {
        var verify = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => !options.GlobalOptions.TryGetValue(VerifyMessageTypesProperty, out var value)
                || !string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase));

        var missing = required
            .Combine(verify)
            .Combine(context.CompilationProvider)
            .Select(static (pair, cancellationToken) => pair.Left.Right
                ? FindMissingMessages(pair.Left.Left, pair.Right, cancellationToken)
                : MissingMessages.None)
            .WithTrackingName(StepNames.MissingMessages);

        context.RegisterSourceOutput(missing, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        // Only the names go on: the diagnostics hold locations, which move with every edit above an rpc.
        var missingServices = missing
            .Select(static (result, _) => result.Services)
            .WithTrackingName(StepNames.ServicesMissingMessages);

        return services
            .Combine(missingServices)
            .Where(static pair => !Contains(pair.Right, pair.Left.HintNamePrefix))
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(StepNames.EmittedServices);
    }

    internal const string VerifyMessageTypesProperty = "build_property.TwirpVerifyMessageTypes";

    private static MissingMessages FindMissingMessages(EquatableArray<RequiredMessages> services, Compilation compilation, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, bool>(StringComparer.Ordinal);
        var missingServices = new List<string>();
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var service in services)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var serviceMissing = false;
            foreach (var use in service.Uses)
            {
                if (!found.TryGetValue(use.CSharpType, out var exists))
                {
                    exists = ContainsType(compilation.GlobalNamespace, use.CSharpType);
                    found.Add(use.CSharpType, exists);
                }
                if (!exists)
                {
                    serviceMissing = true;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MessageTypeNotInCompilation, use.Location,
                        use.MethodName, service.ServiceFullName, use.CSharpType.Replace("global::", string.Empty)));
                }
            }
            if (serviceMissing)
            {
                missingServices.Add(service.ServiceKey);
            }
        }
        return new MissingMessages(missingServices.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// Finds <c>global::A.B.C</c> without knowing where the namespace ends and nesting begins (protoc
    /// nests types in <c>Types</c> classes), by walking namespaces and types segment by segment.
    /// </summary>
    private static bool ContainsType(INamespaceOrTypeSymbol container, string csharpName)
    {
        const string GlobalPrefix = "global::";
        var name = csharpName.StartsWith(GlobalPrefix, StringComparison.Ordinal) ? csharpName.Substring(GlobalPrefix.Length) : csharpName;
        var segments = name.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = segments[i].TrimStart('@');
        }
        return ContainsType(container, segments, 0);
    }

    private static bool ContainsType(INamespaceOrTypeSymbol container, string[] segments, int index)
    {
        var last = index == segments.Length - 1;
        foreach (var member in container.GetMembers(segments[index]))
        {
            if (member is INamedTypeSymbol { Arity: 0 } type && (last || ContainsType(type, segments, index + 1)))
            {
                return true;
            }
            if (!last && member is INamespaceSymbol ns && ContainsType(ns, segments, index + 1))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Contains(EquatableArray<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (candidate == name)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The message classes one service's generated code refers to, and where each rpc is.</summary>
    /// <param name="ServiceKey">The service's <see cref="ServiceModel.HintNamePrefix"/>: unique, unlike its full name.</param>
    private sealed record RequiredMessages(string ServiceKey, string ServiceFullName, EquatableArray<MessageUse> Uses)
    {
        public static RequiredMessages Of(ServiceDraft draft, ServiceModel model)
        {
            var uses = new List<MessageUse>(draft.Methods.Count * 2);
            foreach (var method in draft.Methods)
            {
                uses.Add(new MessageUse(method.Name, method.RequestCSharpType, method.Location));
                if (method.ResponseCSharpType != method.RequestCSharpType)
                {
                    uses.Add(new MessageUse(method.Name, method.ResponseCSharpType, method.Location));
                }
            }
            return new RequiredMessages(model.HintNamePrefix, model.FullName, uses.ToEquatableArray());
        }
    }

    private sealed record MessageUse(string MethodName, string CSharpType, LocationInfo Location);

    private sealed record MissingMessages(EquatableArray<string> Services, EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public static readonly MissingMessages None = new(EquatableArray<string>.Empty, EquatableArray<DiagnosticInfo>.Empty);
    }
}
