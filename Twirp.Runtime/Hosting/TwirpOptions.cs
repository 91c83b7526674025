namespace Twirp;

/// <summary>Options for every Twirp service of the app, set with <c>AddTwirp(o =&gt; ...)</c>.</summary>
public sealed class TwirpOptions
{
    private TwirpJsonOptions _json = new();
    private TwirpJsonCodec? _jsonCodec;

    /// <summary>The path prefix before <c>/package.Service/Method</c>. Default <c>/twirp</c>; may be empty.</summary>
    public string PathPrefix { get; set; } = "/twirp";

    /// <summary>
    /// Send exception details to clients in <c>internal</c> errors. For development only: details can
    /// leak secrets.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>How JSON responses are written.</summary>
    public TwirpJsonOptions Json
    {
        get => _json;
        set { _json = value; _jsonCodec = null; }
    }

    internal TwirpJsonCodec JsonCodec => _jsonCodec ??= new TwirpJsonCodec(_json);
}
