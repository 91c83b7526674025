using NUnit.Framework;

namespace Twirp.Core.Tests;

public class TwirpContentTypesTests
{
    [TestCase("application/protobuf", TwirpEncoding.Protobuf)]
    [TestCase("application/json", TwirpEncoding.Json)]
    [TestCase("Application/JSON", TwirpEncoding.Json)]
    [TestCase("application/json; charset=utf-8", TwirpEncoding.Json)]
    [TestCase(" application/protobuf ;foo=bar", TwirpEncoding.Protobuf)]
    public void Media_type_is_read_case_insensitively_without_its_parameters(string header, TwirpEncoding expected)
    {
        Assert.That(TwirpContentTypes.TryParse(header, out var encoding), Is.True);
        Assert.That(encoding, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("text/plain")]
    [TestCase("application/jsonx")]
    [TestCase("application/x-protobuf")]
    public void Other_media_types_are_not_twirp_encodings(string? header)
    {
        Assert.That(TwirpContentTypes.TryParse(header, out _), Is.False);
    }

    [Test]
    public void Each_encoding_has_its_content_type()
    {
        Assert.That(TwirpContentTypes.For(TwirpEncoding.Json), Is.EqualTo("application/json"));
        Assert.That(TwirpContentTypes.For(TwirpEncoding.Protobuf), Is.EqualTo("application/protobuf"));
    }
}
