using System;
using System.Buffers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace Twirp.Core.Tests;

public class TwirpDecodingTests
{
    private static Exception Thrown(TestDelegate parse) => Assert.Catch(parse)!;

    [Test]
    public void Truncated_protobuf_is_a_decode_failure()
    {
        var exception = Thrown(() => Duration.Parser.ParseFrom([0x08]));

        Assert.That(TwirpDecoding.IsFailure(exception), Is.True, exception.ToString());
    }

    [TestCase("{")]
    [TestCase("{\"seconds\":\"many\"}")]
    [TestCase("\"not a timestamp\"")]
    public void Malformed_json_is_a_decode_failure(string json)
    {
        var exception = Thrown(() => TwirpJsonCodec.Default.Parse<Duration>(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json))));

        Assert.That(TwirpDecoding.IsFailure(exception), Is.True, exception.ToString());
    }

    [Test]
    public void Cancellation_and_bugs_are_not_decode_failures()
    {
        Assert.That(TwirpDecoding.IsFailure(new OperationCanceledException()), Is.False);
        Assert.That(TwirpDecoding.IsFailure(new InvalidOperationException()), Is.False);
        Assert.That(TwirpDecoding.IsFailure(new NullReferenceException()), Is.False);
    }
}
