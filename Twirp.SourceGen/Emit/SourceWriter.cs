using System;
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

    /// <summary>Writes a multi-line block (e.g. a raw string literal) at the current indentation.</summary>
    public void WriteLines(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indentation++;
    }

    public void CloseBlock(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
    }

    public IDisposable Block(string header)
    {
        OpenBlock(header);
        return new BlockCloser(this);
    }

    public override string ToString() => _builder.ToString();

    private sealed class BlockCloser(SourceWriter writer) : IDisposable
    {
        public void Dispose() => writer.CloseBlock();
    }
}
