using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// One service's options, merged from the global and per-service ones, and the one
/// <see cref="TwirpErrorResponder"/> that answers its failed calls. The route (path prefix), hooks and
/// interceptors are fixed at startup; the body limit, detailed errors, JSON and compression settings follow
/// <see cref="Reload"/>, which <c>IOptionsMonitor</c> calls when the configuration changes, from the next call on.
/// </summary>
internal sealed class TwirpServiceRuntime
{
    private volatile CallSettings _settings;

    public TwirpServiceRuntime(TwirpServiceDefinition definition, TwirpOptions global, TwirpServiceOptions service, TwirpServiceActivator activator, ILogger logger)
    {
        if (global.ConfigurationError is { } invalid)
        {
            throw invalid;
        }
        Definition = definition;
        PathPrefix = TwirpPathPrefix.Normalize(service.PathPrefix ?? global.PathPrefix);
        Hooks = Concat(global.Hooks, service.Hooks);
        Interceptors = Concat(global.Interceptors, service.Interceptors);
        Activator = activator;
        Logger = logger;
        _settings = new CallSettings(global, service, Hooks, logger);
        EndpointMetadata = new TwirpServiceEndpointMetadata(definition.FullName, PathPrefix, () => (_settings.Json, _settings.MaxRequestBodySize));
    }

    public TwirpServiceDefinition Definition { get; }

    /// <summary>Empty, or starts with <c>/</c> and does not end with one.</summary>
    public string PathPrefix { get; }

    public long? MaxRequestBodySize => _settings.MaxRequestBodySize;

    public TwirpJsonCodec JsonCodec => _settings.JsonCodec;

    /// <summary>The smallest Connect answer that is gzipped when the client accepts it.</summary>
    public int ConnectCompressMinBytes => _settings.ConnectCompressMinBytes;

    /// <summary>This service's configuration as public endpoint metadata, following reloads.</summary>
    public TwirpServiceEndpointMetadata EndpointMetadata { get; }

    public TwirpHooks[] Hooks { get; }

    public TwirpInterceptorRegistration[] Interceptors { get; }

    public TwirpServiceActivator Activator { get; }

    public ILogger Logger { get; }

    public TwirpErrorResponder Errors => _settings.Errors;

    /// <summary>Applies changed options to the calls that start from now on.</summary>
    public void Reload(TwirpOptions global, TwirpServiceOptions service)
    {
        if (global.ConfigurationError is { } invalid)
        {
            TwirpLog.ReloadFailed(Logger, Definition.FullName, invalid);
            return;
        }
        _settings = new CallSettings(global, service, Hooks, Logger);
    }

    /// <summary>The options a call reads, replaced as a whole so a call never sees half a reload.</summary>
    private sealed class CallSettings(TwirpOptions global, TwirpServiceOptions service, TwirpHooks[] hooks, ILogger logger)
    {
        public long? MaxRequestBodySize { get; } = service.MaxRequestBodySizeSpecified ? service.MaxRequestBodySize : global.MaxRequestBodySize;

        public TwirpJsonOptions Json { get; } = service.Json ?? global.Json;

        public TwirpJsonCodec JsonCodec { get; } = new(service.Json ?? global.Json);

        public int ConnectCompressMinBytes { get; } = service.ConnectCompressMinBytes ?? global.ConnectCompressMinBytes;

        public TwirpErrorResponder Errors { get; } = new(hooks, service.EnableDetailedErrors ?? global.EnableDetailedErrors, logger);
    }

    private static T[] Concat<T>(IList<T> first, IList<T> second)
    {
        var all = new T[first.Count + second.Count];
        first.CopyTo(all, 0);
        second.CopyTo(all, first.Count);
        return all;
    }
}
