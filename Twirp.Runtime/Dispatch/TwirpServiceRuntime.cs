using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// One service's options, merged from the global and per-service ones once at startup, and the one
/// <see cref="TwirpErrorResponder"/> that answers its failed calls.
/// </summary>
internal sealed class TwirpServiceRuntime
{
    public TwirpServiceRuntime(TwirpServiceDefinition definition, TwirpOptions global, TwirpServiceOptions service, TwirpServiceActivator activator, ILogger logger)
    {
        Definition = definition;
        PathPrefix = NormalizePrefix(service.PathPrefix ?? global.PathPrefix);
        MaxRequestBodySize = service.MaxRequestBodySizeSpecified ? service.MaxRequestBodySize : global.MaxRequestBodySize;
        EnableDetailedErrors = service.EnableDetailedErrors ?? global.EnableDetailedErrors;
        JsonCodec = new TwirpJsonCodec(service.Json ?? global.Json);
        Hooks = Concat(global.Hooks, service.Hooks);
        Interceptors = Concat(global.Interceptors, service.Interceptors);
        Activator = activator;
        Logger = logger;
        Errors = new TwirpErrorResponder(Hooks, EnableDetailedErrors, logger);
    }

    public TwirpServiceDefinition Definition { get; }

    /// <summary>Empty, or starts with <c>/</c> and does not end with one.</summary>
    public string PathPrefix { get; }

    public long? MaxRequestBodySize { get; }

    public bool EnableDetailedErrors { get; }

    public TwirpJsonCodec JsonCodec { get; }

    public TwirpHooks[] Hooks { get; }

    public TwirpInterceptorRegistration[] Interceptors { get; }

    public TwirpServiceActivator Activator { get; }

    public ILogger Logger { get; }

    public TwirpErrorResponder Errors { get; }

    public static string NormalizePrefix(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).Trim().Trim('/');
        return trimmed.Length == 0 ? string.Empty : "/" + trimmed;
    }

    private static T[] Concat<T>(IList<T> first, IList<T> second)
    {
        var all = new T[first.Count + second.Count];
        first.CopyTo(all, 0);
        second.CopyTo(all, first.Count);
        return all;
    }
}
