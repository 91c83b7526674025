using NUnit.Framework;

namespace Twirp.Core.Tests;

public class ConnectProtocolTests
{
    [TestCase("application/proto", TwirpEncoding.Protobuf)]
    [TestCase("Application/Proto; charset=utf-8", TwirpEncoding.Protobuf)]
    [TestCase("application/json", TwirpEncoding.Json)]
    [TestCase(" application/json ;charset=UTF-8", TwirpEncoding.Json)]
    public void Unary_content_types_name_their_encoding(string contentType, TwirpEncoding expected)
    {
        Assert.That(ConnectProtocol.TryParseContentType(contentType, out var encoding), Is.True);
        Assert.That(encoding, Is.EqualTo(expected));
        Assert.That(ConnectProtocol.TryParseContentType(ConnectProtocol.ContentTypeFor(expected), out var again), Is.True);
        Assert.That(again, Is.EqualTo(expected));
    }

    [TestCase("application/protobuf")]
    [TestCase("application/connect+proto")]
    [TestCase("application/grpc")]
    [TestCase("")]
    [TestCase(null)]
    public void Other_content_types_are_not_connect_unary(string? contentType)
    {
        Assert.That(ConnectProtocol.TryParseContentType(contentType, out _), Is.False);
    }

    [Test]
    public void Codec_names_round_trip_and_are_case_sensitive()
    {
        Assert.That(ConnectProtocol.TryParseCodecName(ConnectProtocol.CodecNameFor(TwirpEncoding.Json), out var json) && json == TwirpEncoding.Json);
        Assert.That(ConnectProtocol.TryParseCodecName(ConnectProtocol.CodecNameFor(TwirpEncoding.Protobuf), out var proto) && proto == TwirpEncoding.Protobuf);
        Assert.That(ConnectProtocol.TryParseCodecName("JSON", out _), Is.False);
    }

    [TestCase("+/8", new byte[] { 0xfb, 0xff })]
    [TestCase("-_8", new byte[] { 0xfb, 0xff })]
    [TestCase("+/8=", new byte[] { 0xfb, 0xff })]
    [TestCase("", new byte[0])]
    public void Base64_is_read_in_either_alphabet_padded_or_not(string text, byte[] expected)
    {
        Assert.That(ConnectProtocol.TryDecodeBase64(text, out var bytes), Is.True);
        Assert.That(bytes, Is.EqualTo(expected));
    }

    [TestCase("A")]
    [TestCase("AB=C")]
    [TestCase("A*BC")]
    public void Text_that_is_not_base64_is_refused(string text)
    {
        Assert.That(ConnectProtocol.TryDecodeBase64(text, out _), Is.False);
    }

    [Test]
    public void Base64_is_written_in_the_standard_alphabet_without_padding()
    {
        Assert.That(ConnectProtocol.EncodeBase64(new byte[] { 0xfb, 0xff }), Is.EqualTo("+/8"));
    }
}
