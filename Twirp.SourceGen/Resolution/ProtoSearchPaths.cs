using System.Collections.Generic;
using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// Where the imports of one <c>.proto</c> are looked up, as Grpc.Tools passes them to protoc: the item's
/// <c>AdditionalImportDirs</c>, then the well-known types, then its <c>ProtoRoot</c>. Paths are absolute
/// (or relative to the same base as the AdditionalFiles paths) and normalized.
/// </summary>
/// <param name="VirtualPath">The file's name as imports spell it: its path below <paramref name="ProtoRoot"/>.</param>
internal sealed record ProtoSearchPaths(string FilePath, string VirtualPath, string ProtoRoot, EquatableArray<string> ImportDirectories)
{
    /// <summary>
    /// Grpc.Tools' defaults: <c>ProtoRoot</c> is the project directory for files inside it and the file's own
    /// directory for files outside; a relative <c>ProtoRoot</c> or import directory is relative to the project.
    /// </summary>
    public static ProtoSearchPaths Create(string filePath, string? projectDirectory, string? protoRoot, IEnumerable<string> additionalImportDirs)
    {
        var path = ProtoPaths.Normalize(filePath);
        var project = string.IsNullOrWhiteSpace(projectDirectory) ? string.Empty : ProtoPaths.Normalize(projectDirectory!.Trim());
        string root;
        if (!string.IsNullOrWhiteSpace(protoRoot))
        {
            root = ProtoPaths.Combine(project, protoRoot!.Trim());
        }
        else if (project.Length > 0 && ProtoPaths.RelativeTo(project, path) is not null)
        {
            root = project;
        }
        else
        {
            root = ProtoPaths.GetDirectory(path);
        }

        var directories = new List<string>();
        foreach (var directory in additionalImportDirs)
        {
            if (directory.Trim().Length > 0)
            {
                directories.Add(ProtoPaths.Combine(project, directory.Trim()));
            }
        }
        var virtualPath = ProtoPaths.RelativeTo(root, path) ?? path.Substring(path.LastIndexOf('/') + 1);
        return new ProtoSearchPaths(path, virtualPath, root, directories.ToEquatableArray());
    }
}
