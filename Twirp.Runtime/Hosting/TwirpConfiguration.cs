using System;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Twirp;

/// <summary>
/// Reads <see cref="TwirpOptions"/> from a configuration section by name, without the reflection-based
/// binder (the runtime stays trimmable): <c>PathPrefix</c>, <c>MaxRequestBodySize</c> (bytes; empty or
/// <c>null</c> for no limit), <c>EnableDetailedErrors</c>, <c>Json:UseProtoNames</c>,
/// <c>Json:EmitDefaultValues</c>, <c>ConnectCompressMinBytes</c>. Keys that are absent leave the value set in code.
/// </summary>
internal sealed class TwirpConfigureFromConfiguration(IConfiguration section) : IConfigureOptions<TwirpOptions>
{
    public void Configure(TwirpOptions options)
    {
        try
        {
            Read(options);
        }
        catch (InvalidOperationException invalid)
        {
            // Not thrown: on a reload this runs inside the configuration's change callback. The runtime
            // refuses these options instead (at startup) or keeps the previous ones (on a reload).
            options.ConfigurationError = invalid;
        }
    }

    private void Read(TwirpOptions options)
    {
        if (section[nameof(TwirpOptions.PathPrefix)] is { } prefix)
        {
            options.PathPrefix = prefix;
        }
        var limit = section.GetSection(nameof(TwirpOptions.MaxRequestBodySize));
        if (limit.Value is not null)
        {
            options.MaxRequestBodySize = string.IsNullOrWhiteSpace(limit.Value) || limit.Value.Trim().Equals("null", StringComparison.OrdinalIgnoreCase)
                ? null
                : long.TryParse(limit.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                    ? bytes
                    : throw Invalid(limit, "a number of bytes, or empty for no limit");
        }
        var compressMinBytes = section.GetSection(nameof(TwirpOptions.ConnectCompressMinBytes));
        if (compressMinBytes.Value is not null)
        {
            options.ConnectCompressMinBytes = int.TryParse(compressMinBytes.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var minBytes)
                ? minBytes
                : throw Invalid(compressMinBytes, "a number of bytes");
        }
        if (ReadBool(section.GetSection(nameof(TwirpOptions.EnableDetailedErrors))) is { } detailed)
        {
            options.EnableDetailedErrors = detailed;
        }
        var json = section.GetSection(nameof(TwirpOptions.Json));
        var useProtoNames = ReadBool(json.GetSection(nameof(TwirpJsonOptions.UseProtoNames)));
        var emitDefaults = ReadBool(json.GetSection(nameof(TwirpJsonOptions.EmitDefaultValues)));
        if (useProtoNames is not null || emitDefaults is not null)
        {
            // A new instance: the one the options hold may be shared with other options objects.
            options.Json = new TwirpJsonOptions
            {
                UseProtoNames = useProtoNames ?? options.Json.UseProtoNames,
                EmitDefaultValues = emitDefaults ?? options.Json.EmitDefaultValues,
                TypeRegistry = options.Json.TypeRegistry,
            };
        }
    }

    private static bool? ReadBool(IConfigurationSection key) =>
        key.Value is null ? null : bool.TryParse(key.Value, out var value) ? value : throw Invalid(key, "true or false");

    private static InvalidOperationException Invalid(IConfigurationSection key, string expected) =>
        new($"Configuration value '{key.Path}' = '{key.Value}' is not valid for Twirp: expected {expected}.");
}
