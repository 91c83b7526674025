namespace Twirp;

/// <summary>
/// The path prefix before <c>/package.Service/Method</c> (Twirp's default is <c>/twirp</c>), read the
/// same way by servers and clients so that one configured value names the same routes on both sides.
/// </summary>
public static class TwirpPathPrefix
{
    /// <summary>
    /// The canonical form of <paramref name="prefix"/>: empty, or <c>/segment[/segment...]</c> without a
    /// trailing slash. Surrounding white space and slashes are dropped, so <c>"twirp"</c>,
    /// <c>"/twirp/"</c> and <c>" /twirp "</c> are all <c>"/twirp"</c>, and null, <c>""</c> and <c>"/"</c> are empty.
    /// </summary>
    public static string Normalize(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).Trim().Trim('/');
        return trimmed.Length == 0 ? string.Empty : "/" + trimmed;
    }
}
