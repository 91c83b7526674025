using System.Collections.Generic;
using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// Where the imports of one <c>.proto</c> are looked up, as Grpc.Tools passes them to protoc: the item's
/// <c>AdditionalImportDirs</c>, then the well-known types, then its <c>ProtoRoot</c>. Paths are normalized.
/// </summary>
/// <param name="VirtualPath">The file's name as imports spell it: its path below <paramref name="ProtoRoot"/>.</param>
internal sealed record ProtoSearchPaths(string FilePath, string VirtualPath, string ProtoRoot, EquatableArray<string> ImportDirectories)
{
    /// <summary>
    /// The search paths of <paramref name="filePath"/> from a root and import directories already resolved
    /// by Grpc.Tools' rules (<see cref="Input.ProtoFileMetadata"/> does that, once); an empty root means the
    /// file's own directory.
    /// </summary>
    public static ProtoSearchPaths Create(string filePath, string protoRoot, IEnumerable<string> importDirectories)
    {
        var path = ProtoPaths.Normalize(filePath);
        var root = protoRoot.Length == 0 ? ProtoPaths.GetDirectory(path) : ProtoPaths.Normalize(protoRoot);
        var directories = new List<string>();
        foreach (var directory in importDirectories)
        {
            directories.Add(ProtoPaths.Normalize(directory));
        }
        var virtualPath = ProtoPaths.RelativeTo(root, path) ?? path.Substring(path.LastIndexOf('/') + 1);
        return new ProtoSearchPaths(path, virtualPath, root, directories.ToEquatableArray());
    }
}
