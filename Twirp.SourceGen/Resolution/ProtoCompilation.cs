using System.Collections.Generic;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

/// <summary>One file of a <see cref="ProtoCompilation"/>, with its imports resolved to other files.</summary>
internal sealed class CompiledFile
{
    public CompiledFile(int index, ProtoFileModel model, string virtualPath, ProtoSearchPaths? searchPaths)
    {
        Index = index;
        Model = model;
        VirtualPath = virtualPath;
        SearchPaths = searchPaths;
    }

    public int Index { get; }

    public ProtoFileModel Model { get; }

    /// <summary>The name imports use for this file (<c>google/protobuf/any.proto</c>).</summary>
    public string VirtualPath { get; }

    /// <summary>Null for the embedded well-known types.</summary>
    public ProtoSearchPaths? SearchPaths { get; }

    public bool IsWellKnown => SearchPaths is null;

    /// <summary>Resolved imports, in order, with the statement that names each; unresolved ones are left out.</summary>
    public List<(CompiledFile File, ImportKind Kind, ProtoImport Statement)> Imports { get; } = new();

    /// <summary>This file, its imports and what they re-export with <c>import public</c>: the files whose types it may use.</summary>
    public HashSet<int> Visible { get; } = new();
}

/// <summary>
/// All <c>.proto</c> files of a project, resolved together as protoc would: imports found on the search
/// paths (plus the embedded well-known types), each file's visible set, and one symbol table.
/// </summary>
internal sealed class ProtoCompilation
{
    private readonly List<CompiledFile> _files = new();
    private readonly List<CompiledFile> _inputs = new();
    private readonly Dictionary<string, CompiledFile> _byFullPath = new(ProtoPaths.Comparer);
    private readonly Dictionary<string, CompiledFile> _byVirtualPath = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, CompiledFile> _wellKnown = new(System.StringComparer.Ordinal);
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private ProtoCompilation()
    {
    }

    /// <summary>Every file: the inputs, then the well-known types they import.</summary>
    public IReadOnlyList<CompiledFile> Files => _files;

    /// <summary>The compiled file of each input, in input order; an input listed twice maps to one file.</summary>
    public IReadOnlyList<CompiledFile> Inputs => _inputs;

    public SymbolTable Symbols { get; private set; } = null!;

    /// <summary>Import and symbol problems (parse diagnostics stay with each file's model).</summary>
    public List<DiagnosticInfo> Diagnostics => _diagnostics;

    public static ProtoCompilation Create(IEnumerable<(ProtoFileModel File, ProtoSearchPaths Paths)> inputs)
    {
        var compilation = new ProtoCompilation();
        foreach (var (file, paths) in inputs)
        {
            if (compilation._byFullPath.TryGetValue(paths.FilePath, out var existing))
            {
                compilation._inputs.Add(existing);
                continue;
            }
            var compiled = new CompiledFile(compilation._files.Count, file, paths.VirtualPath, paths);
            compilation._inputs.Add(compiled);
            compilation._files.Add(compiled);
            compilation._byFullPath[paths.FilePath] = compiled;
            if (!compilation._byVirtualPath.ContainsKey(paths.VirtualPath))
            {
                compilation._byVirtualPath[paths.VirtualPath] = compiled;
            }
        }
        // Well-known types join as they are imported, so the list can grow while this runs.
        for (var i = 0; i < compilation._files.Count; i++)
        {
            compilation.ResolveImports(compilation._files[i]);
        }
        compilation.ReportImportCycles();
        foreach (var file in compilation._files)
        {
            compilation.ComputeVisible(file);
        }
        compilation.Symbols = new SymbolTable(compilation._files, compilation._diagnostics);
        return compilation;
    }

    private void ResolveImports(CompiledFile file)
    {
        foreach (var import in file.Model.Imports)
        {
            var target = FindImport(file, import.Path);
            if (target is null)
            {
                if (!file.IsWellKnown && import.Kind != ImportKind.Weak)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ImportNotFound, import.Span.ToLocationInfo(file.Model.Path),
                        import.Path, file.VirtualPath));
                }
                continue;
            }
            if (target != file)
            {
                file.Imports.Add((target, import.Kind, import));
            }
        }
    }

    /// <summary>
    /// Grpc.Tools' order: <c>AdditionalImportDirs</c>, the standard include directory, <c>ProtoRoot</c>.
    /// Called once per import statement: a well-known type joins <see cref="Files"/> on its first import.
    /// </summary>
    private CompiledFile? FindImport(CompiledFile from, string importPath)
    {
        var paths = from.SearchPaths;
        if (paths is not null)
        {
            foreach (var directory in paths.ImportDirectories)
            {
                if (_byFullPath.TryGetValue(ProtoPaths.Combine(directory, importPath), out var found))
                {
                    return found;
                }
            }
        }
        if (WellKnownTypes.TryGet(importPath, out var wellKnown))
        {
            // A project that lists its own copy of a well-known file uses it, as protoc would see one file.
            if (_byVirtualPath.TryGetValue(importPath, out var own))
            {
                return own;
            }
            if (!_wellKnown.TryGetValue(importPath, out var compiled))
            {
                compiled = new CompiledFile(_files.Count, wellKnown, importPath, null);
                _files.Add(compiled);
                _wellKnown[importPath] = compiled;
            }
            return compiled;
        }
        if (paths is not null && _byFullPath.TryGetValue(ProtoPaths.Combine(paths.ProtoRoot, importPath), out var rooted))
        {
            return rooted;
        }
        return null;
    }

    private void ReportImportCycles()
    {
        // 0 = unvisited, 1 = on the current path, 2 = done.
        var state = new byte[_files.Count];
        var stack = new Stack<(CompiledFile File, int Next)>();
        foreach (var root in _files)
        {
            if (state[root.Index] != 0)
            {
                continue;
            }
            stack.Push((root, 0));
            state[root.Index] = 1;
            while (stack.Count > 0)
            {
                var (file, next) = stack.Pop();
                if (next >= file.Imports.Count)
                {
                    state[file.Index] = 2;
                    continue;
                }
                stack.Push((file, next + 1));
                var target = file.Imports[next].File;
                if (state[target.Index] == 1)
                {
                    var import = file.Imports[next].Statement;
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ImportCycle, import.Span.ToLocationInfo(file.Model.Path),
                        file.VirtualPath, target.VirtualPath));
                }
                else if (state[target.Index] == 0)
                {
                    state[target.Index] = 1;
                    stack.Push((target, 0));
                }
            }
        }
    }

    private void ComputeVisible(CompiledFile file)
    {
        file.Visible.Add(file.Index);
        foreach (var (import, _, _) in file.Imports)
        {
            AddWithPublicImports(import, file.Visible);
        }
    }

    private static void AddWithPublicImports(CompiledFile file, HashSet<int> visible)
    {
        if (!visible.Add(file.Index))
        {
            return;
        }
        foreach (var (import, kind, _) in file.Imports)
        {
            if (kind == ImportKind.Public)
            {
                AddWithPublicImports(import, visible);
            }
        }
    }
}
