using System;
using System.Linq;
using NUnit.Framework;

namespace Twirp.Core.Tests;

public class ConnectErrorCodesTests
{
    // Connect's published table (connectrpc.com/docs/protocol, "Error Codes"), row by row.
    [TestCase(TwirpErrorCode.Canceled, "canceled", 499)]
    [TestCase(TwirpErrorCode.Unknown, "unknown", 500)]
    [TestCase(TwirpErrorCode.InvalidArgument, "invalid_argument", 400)]
    [TestCase(TwirpErrorCode.DeadlineExceeded, "deadline_exceeded", 504)]
    [TestCase(TwirpErrorCode.NotFound, "not_found", 404)]
    [TestCase(TwirpErrorCode.AlreadyExists, "already_exists", 409)]
    [TestCase(TwirpErrorCode.PermissionDenied, "permission_denied", 403)]
    [TestCase(TwirpErrorCode.ResourceExhausted, "resource_exhausted", 429)]
    [TestCase(TwirpErrorCode.FailedPrecondition, "failed_precondition", 400)]
    [TestCase(TwirpErrorCode.Aborted, "aborted", 409)]
    [TestCase(TwirpErrorCode.OutOfRange, "out_of_range", 400)]
    [TestCase(TwirpErrorCode.Unimplemented, "unimplemented", 501)]
    [TestCase(TwirpErrorCode.Internal, "internal", 500)]
    [TestCase(TwirpErrorCode.Unavailable, "unavailable", 503)]
    [TestCase(TwirpErrorCode.DataLoss, "data_loss", 500)]
    [TestCase(TwirpErrorCode.Unauthenticated, "unauthenticated", 401)]
    public void Codes_Connect_shares_with_Twirp_keep_their_name_and_take_Connects_status(TwirpErrorCode code, string connectCode, int status)
    {
        Assert.That(code.ToConnectCode(), Is.EqualTo(connectCode));
        Assert.That(code.ToConnectHttpStatus(), Is.EqualTo(status));
        Assert.That(ConnectErrorCodes.TryParse(connectCode, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(code));
    }

    [TestCase(TwirpErrorCode.Malformed, "invalid_argument", 400)]
    [TestCase(TwirpErrorCode.BadRoute, "unimplemented", 404)]
    public void Twirp_only_codes_are_sent_as_their_closest_Connect_code(TwirpErrorCode code, string connectCode, int status)
    {
        Assert.That(code.ToConnectCode(), Is.EqualTo(connectCode));
        Assert.That(code.ToConnectHttpStatus(), Is.EqualTo(status));
    }

    [Test]
    public void Every_Twirp_code_has_a_Connect_code_that_reads_back()
    {
        foreach (var code in Enum.GetValues<TwirpErrorCode>())
        {
            Assert.That(ConnectErrorCodes.TryParse(code.ToConnectCode(), out _), Is.True, code.ToString());
        }
    }

    [TestCase("malformed")]
    [TestCase("bad_route")]
    [TestCase("dataloss")]
    [TestCase("Canceled")]
    [TestCase("")]
    [TestCase(null)]
    public void Names_that_are_not_Connect_codes_are_refused(string? name)
    {
        Assert.That(ConnectErrorCodes.TryParse(name, out var code), Is.False);
        Assert.That(code, Is.EqualTo(TwirpErrorCode.Unknown));
    }

    [Test]
    public void Status_without_an_error_body_maps_by_Connects_http_table()
    {
        int[] statuses = [400, 401, 403, 404, 429, 502, 503, 504, 500, 418];
        Assert.That(statuses.Select(ConnectErrorCodes.FromHttpStatus), Is.EqualTo(new[]
        {
            TwirpErrorCode.Internal, TwirpErrorCode.Unauthenticated, TwirpErrorCode.PermissionDenied, TwirpErrorCode.Unimplemented,
            TwirpErrorCode.Unavailable, TwirpErrorCode.Unavailable, TwirpErrorCode.Unavailable, TwirpErrorCode.Unavailable,
            TwirpErrorCode.Unknown, TwirpErrorCode.Unknown,
        }));
    }
}
