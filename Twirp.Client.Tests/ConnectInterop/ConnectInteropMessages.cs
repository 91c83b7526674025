using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Twirp.Client.Tests.Interop;
using Twirp.ConnectInterop;

namespace Twirp.Client.Tests.ConnectInterop;

/// <summary>The messages both sides of the Connect suite exchange.</summary>
public static class ConnectInteropMessages
{
    /// <summary>The types an <c>Any</c> in these messages holds (node's registry.ts lists the same).</summary>
    public static TypeRegistry Registry { get; } = TypeRegistry.FromMessages(FailureDetail.Descriptor, Duration.Descriptor);

    /// <summary>Every field kind: interop.proto's Everything plus the well-known types Connect's JSON has rules for.</summary>
    public static Everything Everything() => new()
    {
        Fields = InteropMessages.Everything(),
        Any = Any.Pack(new FailureDetail { Reason = "packed", Number = long.MinValue }),
        FieldMask = new FieldMask { Paths = { "fields.int32_value", "served_by" } },
        Empty = new Empty(),
        ListValue = new ListValue { Values = { Value.ForString("x"), Value.ForNumber(1.5), Value.ForNull() } },
        NullValue = NullValue.NullValue,
        BytesWrapper = ByteString.CopyFrom(0xFF, 0x00),
        Int64Wrapper = long.MinValue,
        Uint64Wrapper = ulong.MaxValue,
        Uint32Wrapper = 0,
        DoubleWrapper = double.NegativeInfinity,
        FloatWrapper = 0.25f,
        BoolWrapper = false,
    };

    public static Everything Served(Everything message, string server, string? httpMethod = null)
    {
        var copy = message.Clone();
        copy.ServedBy = server;
        copy.HttpMethod = httpMethod ?? string.Empty;
        return copy;
    }

    /// <summary>The 16 codes Connect has: every Twirp code but <c>malformed</c> and <c>bad_route</c>.</summary>
    public static IEnumerable<TwirpErrorCode> ConnectCodes =>
        System.Enum.GetValues<TwirpErrorCode>().Where(code => code is not TwirpErrorCode.Malformed and not TwirpErrorCode.BadRoute);

    public static string MessageFor(TwirpErrorCode code) => $"failed with {code.ToConnectCode()}: \"quoted\" ✓";

    public static FailureDetail[] DetailsFor(TwirpErrorCode code) =>
    [
        new FailureDetail { Reason = code.ToConnectCode(), Number = (long)code },
        new FailureDetail { Reason = "ü ✓", Number = -1 },
    ];

    public static FailRequest FailRequest(TwirpErrorCode code) => new()
    {
        Code = code.ToConnectCode(),
        Message = MessageFor(code),
        Details = { DetailsFor(code) },
    };
}
