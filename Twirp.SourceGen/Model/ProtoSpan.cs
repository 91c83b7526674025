using Microsoft.CodeAnalysis.Text;

namespace Twirp.SourceGen.Model;

/// <summary>
/// Where something is in its <c>.proto</c> file (zero-based lines and columns). A small value type so the
/// parsed model can hold one per declaration without allocating; it becomes a <see cref="LocationInfo"/>
/// only when a diagnostic needs it.
/// </summary>
internal readonly record struct ProtoSpan(int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    public LocationInfo ToLocationInfo(string filePath) =>
        new(filePath, new TextSpan(Start, Length), new LinePositionSpan(new LinePosition(Line, Column), new LinePosition(EndLine, EndColumn)));
}
