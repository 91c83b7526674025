using System;
using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace Twirp.Core.Tests;

public class TwirpJsonCodecTests
{
    // Spaces, quotes, backslashes, a control character and a surrogate pair inside strings, which the
    // compacting must keep; nesting and lists, whose spaces between tokens it drops.
    private static readonly Struct Tricky = new()
    {
        Fields =
        {
            ["say"] = Value.ForString("a \"quoted\" \\ back slash,\tand: { braces } 😀"),
            ["list"] = Value.ForList(Value.ForNumber(1.5), Value.ForBool(true), Value.ForNull()),
            ["nested"] = Value.ForStruct(new Struct { Fields = { ["k"] = Value.ForString("  two  spaces  ") } }),
        },
    };

    private static string Write(IMessage message)
    {
        var output = new ArrayBufferWriter<byte>();
        TwirpJsonCodec.Default.Write(message, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Test]
    public void Written_json_has_no_spaces_between_tokens_and_keeps_string_contents()
    {
        var json = Write(Tricky);

        var outsideStrings = Regex.Replace(json, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");

        Assert.That(outsideStrings, Is.EqualTo("{\"\":\"\",\"\":[1.5,true,null],\"\":{\"\":\"\"}}"));
        Assert.That(json, Does.Contain("and: { braces } "));
        Assert.That(json, Does.Contain("\"  two  spaces  \""));
        Assert.That(JsonParser.Default.Parse<Struct>(json), Is.EqualTo(Tricky));
    }

    [Test]
    public void Json_split_across_segments_anywhere_parses_like_the_whole_text()
    {
        var bytes = Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(Tricky));

        for (var split = 1; split < bytes.Length; split++)
        {
            var parsed = TwirpJsonCodec.Default.Parse<Struct>(Segments(bytes, split));

            Assert.That(parsed, Is.EqualTo(Tricky), $"split at byte {split}");
        }
    }

    [Test]
    public void Span_and_sequence_parse_the_same_and_buffers_are_reused_safely()
    {
        var first = Encoding.UTF8.GetBytes("{\"seconds\":\"1.5s\"}");
        var longer = Encoding.UTF8.GetBytes(Write(Tricky));

        // A long message, then a short one: nothing of the first may leak into the second.
        Assert.That(TwirpJsonCodec.Default.Parse<Struct>(longer), Is.EqualTo(Tricky));
        Assert.That(TwirpJsonCodec.Default.Parse<Struct>(new ReadOnlySequence<byte>("{}"u8.ToArray())), Is.EqualTo(new Struct()));
        Assert.That(TwirpJsonCodec.Default.Parse<Value>("\"1.5s\""u8), Is.EqualTo(Value.ForString("1.5s")));
        Assert.Throws<InvalidProtocolBufferException>(() => TwirpJsonCodec.Default.Parse<Duration>(first));
        Assert.That(Write(new Struct()), Is.EqualTo("{}"));
    }

    [Test]
    public void Invalid_utf8_is_decoded_as_replacement_characters_like_a_string_would_be()
    {
        byte[] json = [(byte)'"', 0xff, (byte)'"'];

        var parsed = TwirpJsonCodec.Default.Parse<Value>(json);

        Assert.That(parsed.StringValue, Is.EqualTo(Encoding.UTF8.GetString(json).Trim('"')));
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split));
        var last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
