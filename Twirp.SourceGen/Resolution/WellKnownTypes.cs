using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// The well-known types (<c>google/protobuf/*.proto</c>), embedded in the generator at build time from
/// Grpc.Tools' include directory, so <c>import "google/protobuf/timestamp.proto";</c> resolves with
/// nothing listed in the project, just as protoc finds them in Grpc.Tools' standard import path.
/// </summary>
internal static class WellKnownTypes
{
    private const string ResourcePrefix = "Twirp.SourceGen.WellKnownTypes/";

    private static readonly Lazy<Dictionary<string, ProtoFileModel>> s_files = new(Load);

    /// <summary>The parsed files by import path (<c>google/protobuf/any.proto</c>).</summary>
    public static IReadOnlyDictionary<string, ProtoFileModel> Files => s_files.Value;

    public static bool TryGet(string importPath, out ProtoFileModel file) => s_files.Value.TryGetValue(importPath, out file!);

    private static Dictionary<string, ProtoFileModel> Load()
    {
        var files = new Dictionary<string, ProtoFileModel>(StringComparer.Ordinal);
        var assembly = typeof(WellKnownTypes).Assembly;
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var importPath = name.Substring(ResourcePrefix.Length);
            // Parsed once per process, so they may as well be complete, comments and all, like protoc's copies.
            files[importPath] = ProtoParser.Parse(importPath, reader.ReadToEnd(), CommentRetention.All);
        }
        return files;
    }
}
