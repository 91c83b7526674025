using System;

namespace Twirp.SourceGen.Parsing;

/// <summary>
/// Hands out one string per recently seen name instead of cutting a new one from the source each time:
/// real APIs repeat the same field, type and option names thousands of times (<c>name</c>,
/// <c>google.protobuf.Timestamp</c>, <c>(google.api.field_behavior)</c>). It is a direct-mapped cache, one
/// string per slot and a collision simply replaces it, kept per thread: nothing to lock, and it never grows.
/// </summary>
internal static class NameTable
{
    private const int Slots = 8192;

    /// <summary>Longer text (a long comment-like string value) is rarely repeated and not worth a slot.</summary>
    private const int MaxLength = 96;

    [ThreadStatic]
    private static string?[]? t_slots;

    /// <summary>The text of <paramref name="text"/> from <paramref name="start"/>, <paramref name="length"/> characters long.</summary>
    public static string Get(string text, int start, int length)
    {
        if (length == 0)
        {
            return string.Empty;
        }
        if (length > MaxLength)
        {
            return text.Substring(start, length);
        }
        // FNV-1a over the characters.
        var hash = 2166136261u;
        for (var i = start; i < start + length; i++)
        {
            hash = (hash ^ text[i]) * 16777619u;
        }
        var slots = t_slots ??= new string?[Slots];
        var slot = (int)(hash & (Slots - 1));
        var cached = slots[slot];
        if (cached is not null && cached.Length == length && string.CompareOrdinal(cached, 0, text, start, length) == 0)
        {
            return cached;
        }
        var name = text.Substring(start, length);
        slots[slot] = name;
        return name;
    }
}
