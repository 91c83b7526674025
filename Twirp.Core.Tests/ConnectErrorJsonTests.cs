using System.Buffers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;

namespace Twirp.Core.Tests;

public class ConnectErrorJsonTests
{
    private static string Write(TwirpException error) => Encoding.UTF8.GetString(ConnectErrorJson.ToUtf8Bytes(error));

    [Test]
    public void Body_has_the_connect_code_and_message_and_no_empty_details()
    {
        Assert.That(Write(TwirpException.Malformed("can't decode")), Is.EqualTo("{\"code\":\"invalid_argument\",\"message\":\"can't decode\"}"));
    }

    [Test]
    public void Empty_message_is_omitted()
    {
        Assert.That(Write(new TwirpException(TwirpErrorCode.NotFound, "")), Is.EqualTo("{\"code\":\"not_found\"}"));
    }

    [Test]
    public void Details_are_written_with_their_message_name_and_unpadded_base64()
    {
        var error = new TwirpException(TwirpErrorCode.FailedPrecondition, "no").WithDetails(new StringValue { Value = "x" });

        // StringValue{"x"} is 0A 01 78: "CgF4" needs no padding; Int32Value{1} is 08 01: "CAE" drops one '='.
        Assert.That(Write(error.WithDetails(new Int32Value { Value = 1 })), Is.EqualTo(
            "{\"code\":\"failed_precondition\",\"message\":\"no\",\"details\":[" +
            "{\"type\":\"google.protobuf.StringValue\",\"value\":\"CgF4\"},{\"type\":\"google.protobuf.Int32Value\",\"value\":\"CAE\"}]}"));
    }

    [Test]
    public void Written_body_reads_back_with_its_details()
    {
        var error = TwirpException.Unavailable("later").WithDetails(new Duration { Seconds = 3 }, new StringValue { Value = "ü" });

        Assert.That(ConnectErrorJson.TryRead(ConnectErrorJson.ToUtf8Bytes(error), out var code, out var message, out var details), Is.True);
        Assert.That((code, message), Is.EqualTo(("unavailable", "later")));
        Assert.That(details, Is.EqualTo(error.Details));
        Assert.That(details[0].Unpack<Duration>().Seconds, Is.EqualTo(3));
    }

    [Test]
    public void Padded_values_missing_message_and_unknown_keys_are_tolerated()
    {
        var json = "{\"debug\":{\"a\":[1]},\"code\":\"internal\",\"details\":[{\"type\":\"google.protobuf.Int32Value\",\"value\":\"CAE=\",\"debug\":{\"value\":1}},7]}";

        Assert.That(ConnectErrorJson.TryRead(Encoding.UTF8.GetBytes(json), out var code, out var message, out var details), Is.True);
        Assert.That((code, message), Is.EqualTo(("internal", "")));
        Assert.That(details, Has.Count.EqualTo(1));
        Assert.That(details[0].Unpack<Int32Value>().Value, Is.EqualTo(1));
    }

    [Test]
    public void Details_without_a_type_or_with_a_value_that_is_not_base64_are_dropped()
    {
        var json = "{\"code\":\"internal\",\"message\":\"m\",\"details\":[{\"value\":\"CAE\"},{\"type\":\"t.T\",\"value\":\"C*E\"},{\"type\":\"t.T\"}]}";

        Assert.That(ConnectErrorJson.TryRead(Encoding.UTF8.GetBytes(json), out _, out _, out var details), Is.True);
        // A missing value is an empty message, as in protobuf.
        Assert.That(details, Has.Count.EqualTo(1));
        Assert.That(details[0].TypeUrl, Is.EqualTo("type.googleapis.com/t.T"));
        Assert.That(details[0].Value, Is.EqualTo(ByteString.Empty));
    }

    [TestCase("")]
    [TestCase("[]")]
    [TestCase("{\"message\":\"no code\"}")]
    [TestCase("{\"code\":7}")]
    [TestCase("{\"code\":\"internal\"")]
    public void Body_without_a_string_code_is_not_a_connect_error(string json)
    {
        Assert.That(ConnectErrorJson.TryRead(Encoding.UTF8.GetBytes(json), out _, out _, out _), Is.False);
    }

    [Test]
    public void Meta_and_details_survive_each_others_copies()
    {
        var error = TwirpException.InvalidArgument("hat", "too big").WithDetails(new StringValue { Value = "a" }).WithMeta("k", "v");

        Assert.That(error.Meta, Does.ContainKey("argument").And.ContainKey("k"));
        Assert.That(error.Details, Has.Count.EqualTo(1));
        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.InvalidArgument));
    }

    [Test]
    public void Written_into_a_buffer_writer_as_into_bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        ConnectErrorJson.Write(buffer, TwirpErrorCode.Aborted, "m", details: null);

        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Is.EqualTo("{\"code\":\"aborted\",\"message\":\"m\"}"));
    }
}
