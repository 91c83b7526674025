using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// The logging scope of one call: <c>TwirpMethod</c> (<c>package.Service/Method</c>) and, when the call
/// is traced, <c>TraceId</c>, so every log line a handler, hook or interceptor writes names its call.
/// </summary>
internal sealed class TwirpCallLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly string _method;
    private readonly string? _traceId;

    private TwirpCallLogScope(string method, string? traceId)
    {
        _method = method;
        _traceId = traceId;
    }

    /// <summary>Begins the scope; nothing is allocated when the logger writes nothing at all.</summary>
    public static IDisposable? Begin(ILogger logger, string method)
    {
        if (!logger.IsEnabled(LogLevel.Critical))
        {
            return null;
        }
        var traceId = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;
        return logger.BeginScope(new TwirpCallLogScope(method, traceId));
    }

    public int Count => _traceId is null ? 1 : 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("TwirpMethod", _method),
        1 when _traceId is not null => new("TraceId", _traceId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _traceId is null ? $"TwirpMethod:{_method}" : $"TwirpMethod:{_method} TraceId:{_traceId}";
}
