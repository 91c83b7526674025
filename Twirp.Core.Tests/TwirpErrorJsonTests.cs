using System.Buffers;
using System.Collections.Generic;
using System.Text;
using NUnit.Framework;

namespace Twirp.Core.Tests;

public class TwirpErrorJsonTests
{
    private static string Write(TwirpErrorCode code, string message, IReadOnlyDictionary<string, string>? meta)
    {
        var buffer = new ArrayBufferWriter<byte>();
        TwirpErrorJson.Write(buffer, code, message, meta);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Test]
    public void Empty_meta_is_omitted_and_apostrophes_are_not_escaped()
    {
        Assert.That(Write(TwirpErrorCode.NotFound, "can't find it", new Dictionary<string, string>()),
            Is.EqualTo("{\"code\":\"not_found\",\"msg\":\"can't find it\"}"));
    }

    [Test]
    public void Written_body_reads_back_with_its_meta()
    {
        var json = Write(TwirpErrorCode.InvalidArgument, "bad", new Dictionary<string, string> { ["argument"] = "inches" });

        Assert.That(TwirpErrorJson.TryRead(Encoding.UTF8.GetBytes(json), out var code, out var message, out var meta), Is.True);
        Assert.That((code, message), Is.EqualTo(("invalid_argument", "bad")));
        Assert.That(meta, Is.EqualTo(new Dictionary<string, string> { ["argument"] = "inches" }));
    }

    [TestCase("")]
    [TestCase("[]")]
    [TestCase("{\"msg\":\"no code\"}")]
    [TestCase("{\"code\":7}")]
    [TestCase("{\"code\":\"internal\"")]
    public void Body_without_a_string_code_is_not_a_twirp_error(string json)
    {
        Assert.That(TwirpErrorJson.TryRead(Encoding.UTF8.GetBytes(json), out _, out _, out _), Is.False);
    }

    [Test]
    public void Unknown_keys_and_non_string_meta_values_are_skipped()
    {
        var json = "{\"code\":\"teapot\",\"extra\":{\"a\":[1]},\"msg\":\"m\",\"meta\":{\"n\":1,\"s\":\"v\"}}";

        Assert.That(TwirpErrorJson.TryRead(Encoding.UTF8.GetBytes(json), out var code, out var message, out var meta), Is.True);
        Assert.That((code, message), Is.EqualTo(("teapot", "m")));
        Assert.That(meta, Is.EqualTo(new Dictionary<string, string> { ["s"] = "v" }));
    }
}
