using System.Collections.Generic;
using NUnit.Framework;

namespace Twirp.Core.Tests;

public class TwirpErrorCodeTests
{
    private static readonly (TwirpErrorCode Code, string Wire, int Status)[] Table =
    [
        (TwirpErrorCode.Canceled, "canceled", 408),
        (TwirpErrorCode.Unknown, "unknown", 500),
        (TwirpErrorCode.InvalidArgument, "invalid_argument", 400),
        (TwirpErrorCode.Malformed, "malformed", 400),
        (TwirpErrorCode.DeadlineExceeded, "deadline_exceeded", 408),
        (TwirpErrorCode.NotFound, "not_found", 404),
        (TwirpErrorCode.BadRoute, "bad_route", 404),
        (TwirpErrorCode.AlreadyExists, "already_exists", 409),
        (TwirpErrorCode.PermissionDenied, "permission_denied", 403),
        (TwirpErrorCode.Unauthenticated, "unauthenticated", 401),
        (TwirpErrorCode.ResourceExhausted, "resource_exhausted", 429),
        (TwirpErrorCode.FailedPrecondition, "failed_precondition", 412),
        (TwirpErrorCode.Aborted, "aborted", 409),
        (TwirpErrorCode.OutOfRange, "out_of_range", 400),
        (TwirpErrorCode.Unimplemented, "unimplemented", 501),
        (TwirpErrorCode.Internal, "internal", 500),
        (TwirpErrorCode.Unavailable, "unavailable", 503),
        (TwirpErrorCode.DataLoss, "data_loss", 500),
    ];

    private static IEnumerable<TestCaseData> Codes()
    {
        foreach (var (code, wire, status) in Table)
        {
            yield return new TestCaseData(code, wire, status).SetArgDisplayNames(wire);
        }
    }

    [Test]
    public void The_table_covers_every_code()
    {
        Assert.That(Table, Has.Length.EqualTo(System.Enum.GetValues<TwirpErrorCode>().Length));
    }

    [TestCaseSource(nameof(Codes))]
    public void Code_has_its_wire_name_and_http_status_and_parses_back(TwirpErrorCode code, string wire, int status)
    {
        Assert.That(code.ToWireName(), Is.EqualTo(wire));
        Assert.That(code.ToHttpStatus(), Is.EqualTo(status));
        Assert.That(TwirpErrorCodes.TryParse(wire, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(code));
    }

    [Test]
    public void Dataloss_without_underscore_is_read_as_data_loss()
    {
        Assert.That(TwirpErrorCodes.TryParse("dataloss", out var code), Is.True);
        Assert.That(code, Is.EqualTo(TwirpErrorCode.DataLoss));
    }

    // One factory per code; the test below proves the list is complete and each builds its own code.
    private static readonly (TwirpErrorCode Code, System.Func<TwirpException> Create)[] Factories =
    [
        (TwirpErrorCode.Canceled, () => TwirpException.Canceled("m")),
        (TwirpErrorCode.Unknown, () => TwirpException.Unknown("m")),
        (TwirpErrorCode.InvalidArgument, () => TwirpException.InvalidArgument("a", "m")),
        (TwirpErrorCode.Malformed, () => TwirpException.Malformed("m")),
        (TwirpErrorCode.DeadlineExceeded, () => TwirpException.DeadlineExceeded("m")),
        (TwirpErrorCode.NotFound, () => TwirpException.NotFound("m")),
        (TwirpErrorCode.BadRoute, () => TwirpException.BadRoute("m", "POST", "/x")),
        (TwirpErrorCode.AlreadyExists, () => TwirpException.AlreadyExists("m")),
        (TwirpErrorCode.PermissionDenied, () => TwirpException.PermissionDenied("m")),
        (TwirpErrorCode.Unauthenticated, () => TwirpException.Unauthenticated("m")),
        (TwirpErrorCode.ResourceExhausted, () => TwirpException.ResourceExhausted("m")),
        (TwirpErrorCode.FailedPrecondition, () => TwirpException.FailedPrecondition("m")),
        (TwirpErrorCode.Aborted, () => TwirpException.Aborted("m")),
        (TwirpErrorCode.OutOfRange, () => TwirpException.OutOfRange("m")),
        (TwirpErrorCode.Unimplemented, () => TwirpException.Unimplemented("m")),
        (TwirpErrorCode.Internal, () => TwirpException.Internal("m")),
        (TwirpErrorCode.Unavailable, () => TwirpException.Unavailable("m")),
        (TwirpErrorCode.DataLoss, () => TwirpException.DataLoss("m")),
    ];

    [Test]
    public void Every_code_has_a_factory_that_builds_that_code()
    {
        var built = new List<TwirpErrorCode>();
        foreach (var (code, create) in Factories)
        {
            var error = create();
            Assert.That(error.Code, Is.EqualTo(code), code.ToString());
            built.Add(error.Code);
        }
        Assert.That(built, Is.EquivalentTo(System.Enum.GetValues<TwirpErrorCode>()));
    }

    [Test]
    public void Unknown_and_data_loss_keep_their_cause_for_logging()
    {
        var cause = new System.IO.IOException("checksum mismatch");

        var unknown = TwirpException.Unknown("upstream failed", cause);
        var dataLoss = TwirpException.DataLoss("hat record corrupt", cause);

        Assert.That((unknown.Code, unknown.Message, unknown.InnerException), Is.EqualTo((TwirpErrorCode.Unknown, "upstream failed", (System.Exception)cause)));
        Assert.That((dataLoss.Code, dataLoss.Message, dataLoss.InnerException), Is.EqualTo((TwirpErrorCode.DataLoss, "hat record corrupt", (System.Exception)cause)));
        Assert.That(dataLoss.Meta, Is.Empty);
    }

    [Test]
    public void Helpers_build_the_common_errors_in_twirp_gos_shape()
    {
        var invalid = TwirpException.InvalidArgument("inches", "must be positive");
        var cause = new System.IO.IOException("disk");
        var internalError = TwirpException.Internal("storage failed", cause);
        var notFound = TwirpException.NotFound("no such hat");

        Assert.That((invalid.Code, invalid.Message, invalid.Meta["argument"]), Is.EqualTo((TwirpErrorCode.InvalidArgument, "inches must be positive", "inches")));
        Assert.That((internalError.Code, internalError.InnerException), Is.EqualTo((TwirpErrorCode.Internal, (System.Exception)cause)));
        Assert.That(notFound.Code, Is.EqualTo(TwirpErrorCode.NotFound));
    }
}
