using System;
using System.Collections.Generic;
using System.Text;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// Path arithmetic on strings only: a generator must not touch the file system, and the paths it gets
/// (AdditionalFiles, ProtoRoot, AdditionalImportDirs) are plain text from MSBuild.
/// </summary>
internal static class ProtoPaths
{
    /// <summary>File paths compare case-insensitively: MSBuild may spell one directory two ways on Windows.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>Forward slashes, no <c>.</c> or <c>..</c> segments, no doubled or trailing separators.</summary>
    public static string Normalize(string path)
    {
        if (path.Length == 0 || IsNormalized(path))
        {
            return path;
        }
        var slashed = path.Replace('\\', '/');
        var rooted = slashed[0] == '/';
        var segments = new List<string>();
        foreach (var segment in slashed.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else
            {
                segments.Add(segment);
            }
        }
        var result = new StringBuilder(slashed.Length);
        if (rooted)
        {
            result.Append('/');
        }
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                result.Append('/');
            }
            result.Append(segments[i]);
        }
        return result.ToString();
    }

    /// <summary>The common case, checked without allocating: no backslash, empty, <c>.</c> or <c>..</c> segment.</summary>
    private static bool IsNormalized(string path)
    {
        var segmentStart = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] == '\\')
            {
                return false;
            }
            if (i == path.Length || path[i] == '/')
            {
                var length = i - segmentStart;
                var empty = length == 0 && !(i == 0 && path.Length > 1);
                if (empty || (length == 1 && path[segmentStart] == '.') || (length == 2 && path[segmentStart] == '.' && path[segmentStart + 1] == '.'))
                {
                    return false;
                }
                segmentStart = i + 1;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="path"/> is absolute on Unix (<c>/x</c>) or Windows (<c>C:/x</c>, <c>//server</c>).</summary>
    public static bool IsRooted(string path) =>
        path.Length > 0 && (path[0] == '/' || path[0] == '\\' || (path.Length > 1 && path[1] == ':'));

    /// <summary><paramref name="relative"/> resolved against <paramref name="directory"/> (unless already absolute), normalized.</summary>
    public static string Combine(string directory, string relative)
    {
        if (IsRooted(relative) || directory.Length == 0)
        {
            return Normalize(relative);
        }
        return Normalize(directory + "/" + relative);
    }

    public static string GetDirectory(string path)
    {
        var normalized = Normalize(path);
        var slash = normalized.LastIndexOf('/');
        return slash < 0 ? string.Empty : slash == 0 ? "/" : normalized.Substring(0, slash);
    }

    /// <summary>The path of <paramref name="path"/> below <paramref name="directory"/>, or null when it is not inside it.</summary>
    public static string? RelativeTo(string directory, string path)
    {
        if (directory.Length == 0)
        {
            return IsRooted(path) ? null : path;
        }
        if (path.Length > directory.Length + 1
            && path.StartsWith(directory, StringComparison.OrdinalIgnoreCase)
            && (path[directory.Length] == '/' || directory.EndsWith("/", StringComparison.Ordinal)))
        {
            return path.Substring(directory.EndsWith("/", StringComparison.Ordinal) ? directory.Length : directory.Length + 1);
        }
        return null;
    }
}
