using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.CodeAnalysis.Diagnostics;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Resolution;

namespace Twirp.SourceGen.Input;

/// <summary>Which Twirp code a <c>.proto</c> file asks for (its <c>TwirpServices</c> item metadata).</summary>
[Flags]
internal enum TwirpServices
{
    None = 0,
    Server = 1,
    Client = 2,
    Both = Server | Client,
}

/// <summary>
/// What the build says about one <c>.proto</c> file, read from its item metadata. Twirp.SourceGen.props
/// makes the metadata of both the <c>AdditionalFiles</c> and the <c>Protobuf</c> item compiler-visible;
/// the compiler merges them because they name the same file, and <c>AdditionalFiles</c> wins.
/// </summary>
/// <param name="IsInternal"><c>Access="Internal"</c>: generated types are internal, as Grpc.Tools makes the messages.</param>
/// <param name="Services">Which code to generate; <see cref="TwirpServices.None"/> turns Twirp off for the file.</param>
/// <param name="ProtoRoot">
/// The absolute directory imports of this file are resolved against, by Grpc.Tools' rules: the
/// <c>ProtoRoot</c> metadata (relative to the project), else the project directory for a file inside
/// it, else <c>$(Protobuf_ProtoRoot)</c> or the file's own directory. Empty when the build gave no
/// project directory and no root.
/// </param>
/// <param name="AdditionalImportDirs">The <c>AdditionalImportDirs</c> metadata as absolute directories.</param>
/// <param name="WritesGrpcClasses">
/// Grpc.Tools writes gRPC classes for the file (<c>GrpcServices</c> on its <c>Protobuf</c> item is not
/// <c>None</c>): a static class per service, whose names the generated Twirp types must not take.
/// </param>
/// <param name="SearchPaths">Where its imports are found: the one place the two settings above become paths.</param>
/// <param name="Diagnostics">Metadata values the generator did not understand.</param>
internal sealed record ProtoFileMetadata(
    bool IsInternal,
    TwirpServices Services,
    string ProtoRoot,
    EquatableArray<string> AdditionalImportDirs,
    bool WritesGrpcClasses,
    ProtoSearchPaths SearchPaths,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public const string TwirpServicesName = "TwirpServices";
    public const string AccessName = "Access";
    public const string ProtoRootName = "ProtoRoot";
    public const string AdditionalImportDirsName = "AdditionalImportDirs";
    public const string GrpcServicesName = "GrpcServices";

    private static readonly string[] ItemTypes = { "AdditionalFiles", "Protobuf" };

    /// <summary>False for <c>TwirpServices="None"</c>: the file still feeds the symbol table, nothing is emitted for it.</summary>
    public bool Generate => Services != TwirpServices.None;

    public static ProtoFileMetadata Read(string path, AnalyzerConfigOptions fileOptions, AnalyzerConfigOptions globalOptions)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var fileStart = new LocationInfo(path, default, default);

        var access = Get(fileOptions, AccessName);
        var isInternal = string.Equals(access, "Internal", StringComparison.OrdinalIgnoreCase);
        if (access.Length != 0 && !isInternal && !string.Equals(access, "Public", StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidAccess, fileStart, access, Path.GetFileName(path)));
        }

        var servicesText = Get(fileOptions, TwirpServicesName);
        var services = TwirpServices.Both;
        if (servicesText.Length != 0 && !TryParseServices(servicesText, out services))
        {
            services = TwirpServices.Both;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTwirpServices, fileStart, servicesText, Path.GetFileName(path)));
        }

        globalOptions.TryGetValue("build_property.ProjectDir", out var projectDir);
        projectDir ??= string.Empty;
        var protoRoot = ResolveProtoRoot(path, Get(fileOptions, ProtoRootName), projectDir, globalOptions);
        var importDirs = new List<string>();
        foreach (var dir in Get(fileOptions, AdditionalImportDirsName).Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (dir.Trim().Length != 0)
            {
                importDirs.Add(Absolute(projectDir, dir.Trim()));
            }
        }

        var grpcServices = Get(fileOptions, GrpcServicesName);
        var writesGrpcClasses = grpcServices.Length != 0 && !string.Equals(grpcServices, "None", StringComparison.OrdinalIgnoreCase);
        return new ProtoFileMetadata(isInternal, services, protoRoot, importDirs.ToEquatableArray(), writesGrpcClasses,
            ProtoSearchPaths.Create(path, protoRoot, importDirs), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// What to emit for this file given what the compilation references. Reports when the file asks for
    /// code whose runtime is missing, since nothing would be generated and the user would not know why.
    /// </summary>
    public GenerationOptions ToGenerationOptions(string path, bool hasServices, bool hasServerRuntime, bool hasClientRuntime, List<DiagnosticInfo> diagnostics)
    {
        var server = (Services & TwirpServices.Server) != 0 && hasServerRuntime;
        var client = (Services & TwirpServices.Client) != 0 && hasClientRuntime;
        if (hasServices && Generate)
        {
            var fileStart = new LocationInfo(path, default, default);
            var fileName = Path.GetFileName(path);
            if (Services == TwirpServices.Both && !hasServerRuntime && !hasClientRuntime)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RuntimeNotReferenced, fileStart, fileName, "a server or a client", "Twirp.Runtime (server) or Twirp.Client (client)"));
            }
            else if (Services == TwirpServices.Server && !hasServerRuntime)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RuntimeNotReferenced, fileStart, fileName, "a server", "Twirp.Runtime"));
            }
            else if (Services == TwirpServices.Client && !hasClientRuntime)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RuntimeNotReferenced, fileStart, fileName, "a client", "Twirp.Client"));
            }
        }
        return new GenerationOptions(Generate, IsInternal, server, client, WritesGrpcClasses);
    }

    private static bool TryParseServices(string text, out TwirpServices services)
    {
        foreach (var candidate in new[] { TwirpServices.Both, TwirpServices.Server, TwirpServices.Client, TwirpServices.None })
        {
            if (string.Equals(text.Trim(), candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                services = candidate;
                return true;
            }
        }
        services = TwirpServices.Both;
        return false;
    }

    private static string ResolveProtoRoot(string path, string explicitRoot, string projectDir, AnalyzerConfigOptions globalOptions)
    {
        if (explicitRoot.Length != 0)
        {
            return Absolute(projectDir, explicitRoot);
        }
        if (projectDir.Length != 0 && IsUnder(path, projectDir))
        {
            return Absolute(projectDir, ".");
        }
        if (globalOptions.TryGetValue("build_property.Protobuf_ProtoRoot", out var globalRoot) && !string.IsNullOrWhiteSpace(globalRoot))
        {
            return Absolute(projectDir, globalRoot.Trim());
        }
        return Path.IsPathRooted(path) ? Path.GetDirectoryName(path) ?? string.Empty : string.Empty;
    }

    private static bool IsUnder(string path, string directory)
    {
        var dir = directory.EndsWith("/", StringComparison.Ordinal) || directory.EndsWith("\\", StringComparison.Ordinal)
            ? directory
            : directory + Path.DirectorySeparatorChar;
        var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Path.GetFullPath(path).StartsWith(Path.GetFullPath(dir), comparison);
    }

    private static string Absolute(string projectDir, string path)
    {
        if (Path.IsPathRooted(path))
        {
            return TrimSeparator(Path.GetFullPath(path));
        }
        return projectDir.Length == 0 ? TrimSeparator(path) : TrimSeparator(Path.GetFullPath(Path.Combine(projectDir, path)));
    }

    private static string TrimSeparator(string path) =>
        path.Length > 1 && (path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith("\\", StringComparison.Ordinal)) && !path.EndsWith(":\\", StringComparison.Ordinal)
            ? path.Substring(0, path.Length - 1)
            : path;

    private static string Get(AnalyzerConfigOptions options, string name)
    {
        foreach (var itemType in ItemTypes)
        {
            if (options.TryGetValue("build_metadata." + itemType + "." + name, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }
        return string.Empty;
    }
}
