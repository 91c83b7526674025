using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Twirp.SourceGen.Model;

/// <summary>
/// A place in a <c>.proto</c> file, kept as plain data so models stay cacheable; it becomes a Roslyn
/// <see cref="Location"/> only when a diagnostic is reported.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}
