using System;
using System.Collections.Generic;
using System.Linq;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Twirp.Interop;

namespace Twirp.Client.Tests.Interop;

/// <summary>The messages both sides exchange: one with every field kind set to a value that is easy to get wrong.</summary>
public static class InteropMessages
{
    public static Everything Everything()
    {
        var message = new Everything
        {
            Int32Value = -42,
            Int64Value = 9_007_199_254_740_993, // 2^53 + 1: lost if anyone goes through a double
            Uint32Value = uint.MaxValue,
            Uint64Value = ulong.MaxValue,
            Sint32Value = int.MinValue,
            Sint64Value = long.MinValue,
            Fixed32Value = 123_456_789,
            Fixed64Value = 18_000_000_000_000_000_000,
            Sfixed32Value = -7,
            Sfixed64Value = -9_000_000_000_000_000,
            FloatValue = 1.5f,
            DoubleValue = -2.25e-10,
            BoolValue = true,
            StringValue = "héllo \"twirp\" ✓ 🎩 \n\t<&>",
            BytesValue = ByteString.CopyFrom(0x00, 0xFF, 0x10, 0x80, 0x7F),
            Color = Color.Green,
            Nested = new Everything.Types.Nested { Name = "nested", Values = { 1, -2, 3 } },
            OptionalValue = 0, // set to the default value: presence must survive
            RepeatedInt64 = { long.MaxValue, -1, 0 },
            RepeatedString = { "", "b", "ç" },
            RepeatedColor = { Color.Red, Color.Unspecified, Color.Green },
            RepeatedNested = { new Everything.Types.Nested { Name = "a" }, new Everything.Types.Nested { Values = { 9 } } },
            StringToInt32 = { ["one"] = 1, ["minus"] = -1, [""] = 0 },
            Int64ToNested = { [long.MaxValue] = new Everything.Types.Nested { Name = "max" }, [-5] = new Everything.Types.Nested() },
            StringToColor = { ["red"] = Color.Red, ["green"] = Color.Green },
            ChoiceNested = new Everything.Types.Nested { Name = "chosen" },
            Timestamp = new Timestamp { Seconds = 1_700_000_000, Nanos = 123_000_000 },
            Duration = new Duration { Seconds = -3, Nanos = -500_000_000 },
            Int32Wrapper = 0,
            StringWrapper = "wrapped",
            StructValue = new Struct
            {
                Fields =
                {
                    ["number"] = Value.ForNumber(2.5),
                    ["text"] = Value.ForString("x"),
                    ["flag"] = Value.ForBool(false),
                    ["nothing"] = Value.ForNull(),
                    ["list"] = Value.ForList(Value.ForNumber(1), Value.ForString("two")),
                    ["object"] = Value.ForStruct(new Struct { Fields = { ["inner"] = Value.ForBool(true) } }),
                },
            },
            Value = Value.ForList(Value.ForString("a"), Value.ForNumber(-1)),
        };
        return message;
    }

    /// <summary>A message with nothing set, where "unset" and "default" are easy to confuse.</summary>
    public static Everything Empty() => new();

    public static IEnumerable<TwirpErrorCode> AllCodes => System.Enum.GetValues<TwirpErrorCode>();

    public static Dictionary<string, string> MetaFor(TwirpErrorCode code) => new()
    {
        ["code"] = code.ToWireName(),
        ["unicode"] = "✓ ü",
        ["empty"] = "",
    };

    public static string MessageFor(TwirpErrorCode code) => $"failed with {code.ToWireName()}: \"quoted\" ✓";

    public static Everything ServedBy(Everything message, string server)
    {
        var copy = message.Clone();
        copy.ServedBy = server;
        return copy;
    }
}
