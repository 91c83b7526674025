using Google.Protobuf;

namespace Twirp;

/// <summary>
/// How messages are written as JSON. The defaults match Twirp Go: proto field names, and fields with
/// default values written out.
/// </summary>
public sealed class TwirpJsonOptions
{
    /// <summary>
    /// Write proto field names (<c>hat_size</c>) rather than lowerCamelCase (<c>hatSize</c>).
    /// Reading accepts both either way. Default: true.
    /// </summary>
    public bool UseProtoNames { get; set; } = true;

    /// <summary>Write fields that hold their default value. Default: true.</summary>
    public bool EmitDefaultValues { get; set; } = true;
}

/// <summary>A protobuf JSON formatter and parser configured for Twirp.</summary>
public sealed class TwirpJsonCodec
{
    /// <summary>The codec for the default <see cref="TwirpJsonOptions"/>.</summary>
    public static TwirpJsonCodec Default { get; } = new(new TwirpJsonOptions());

    /// <summary>Creates a codec for <paramref name="options"/>; the options are read once.</summary>
    public TwirpJsonCodec(TwirpJsonOptions options)
    {
        Formatter = new JsonFormatter(JsonFormatter.Settings.Default
            .WithPreserveProtoFieldNames(options.UseProtoNames)
            .WithFormatDefaultValues(options.EmitDefaultValues));
        // Unknown fields are ignored so that older servers accept newer clients' messages.
        Parser = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    }

    /// <summary>Writes messages.</summary>
    public JsonFormatter Formatter { get; }

    /// <summary>Reads messages; accepts proto field names and lowerCamelCase names.</summary>
    public JsonParser Parser { get; }
}
