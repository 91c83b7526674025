using System.Text;

namespace Twirp.SourceGen.Emit;

/// <summary>An indentation-aware text writer for generated C#; lines end in '\n' on every OS.</summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indentation * IndentSize);
        }
        _builder.Append(line).Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indentation++;
    }

    public void CloseBlock()
    {
        _indentation--;
        WriteLine("}");
    }

    public override string ToString() => _builder.ToString();
}
