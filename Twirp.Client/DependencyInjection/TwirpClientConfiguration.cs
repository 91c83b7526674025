using System;
using Microsoft.Extensions.Configuration;
using Twirp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Reads <see cref="TwirpClientOptions"/> from a configuration section by hand rather than with the
/// reflection-based binder, so registration stays trim- and AOT-safe and a bad value names its key.
/// </summary>
internal static class TwirpClientConfiguration
{
    public static void Apply(TwirpClientOptions options, IConfiguration configuration, string serviceName, string serviceFullName)
    {
        var clients = configuration.GetSection(TwirpClientServiceCollectionExtensions.ConfigurationSection);
        var section = clients.GetSection(serviceFullName);
        if (!section.Exists())
        {
            section = clients.GetSection(serviceName);
        }
        if (!section.Exists())
        {
            return;
        }

        if (section["BaseAddress"] is { Length: > 0 } baseAddress)
        {
            if (!Uri.TryCreate(baseAddress, UriKind.Absolute, out var uri))
            {
                throw Invalid(section, "BaseAddress", baseAddress, "an absolute URI such as https://api.example.com");
            }
            options.BaseAddress = uri;
        }
        if (section["PathPrefix"] is { } pathPrefix)
        {
            options.PathPrefix = pathPrefix;
        }
        if (section["Encoding"] is { Length: > 0 } encoding)
        {
            options.Encoding = encoding.ToUpperInvariant() switch
            {
                "PROTOBUF" or "APPLICATION/PROTOBUF" => TwirpEncoding.Protobuf,
                "JSON" or "APPLICATION/JSON" => TwirpEncoding.Json,
                _ => throw Invalid(section, "Encoding", encoding, "Protobuf or Json"),
            };
        }
        if (section["Protocol"] is { Length: > 0 } protocol)
        {
            options.Protocol = protocol.ToUpperInvariant() switch
            {
                "TWIRP" => TwirpProtocol.Twirp,
                "CONNECT" => TwirpProtocol.Connect,
                _ => throw Invalid(section, "Protocol", protocol, "Twirp or Connect"),
            };
        }
        if (section["UseHttpGet"] is { Length: > 0 } useHttpGet)
        {
            options.UseHttpGet = ReadBool(section, "UseHttpGet", useHttpGet);
        }
        if (section["RequestCompression"] is { Length: > 0 } requestCompression)
        {
            options.RequestCompression = requestCompression.ToUpperInvariant() switch
            {
                "IDENTITY" => TwirpCompression.Identity,
                "GZIP" => TwirpCompression.Gzip,
                _ => throw Invalid(section, "RequestCompression", requestCompression, "Identity or Gzip"),
            };
        }
        if (section["Timeout"] is { Length: > 0 } timeout)
        {
            options.Timeout = TimeSpan.TryParse(timeout, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
                ? span
                : throw Invalid(section, "Timeout", timeout, "a positive time span such as 00:00:05");
        }
        if (section["MaxResponseBodySize"] is { Length: > 0 } maxResponseBodySize)
        {
            options.MaxResponseBodySize = long.TryParse(maxResponseBodySize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
                ? bytes
                : throw Invalid(section, "MaxResponseBodySize", maxResponseBodySize, "a number of bytes");
        }
        var json = section.GetSection("Json");
        if (json["UseProtoNames"] is { Length: > 0 } useProtoNames)
        {
            options.Json.UseProtoNames = ReadBool(json, "UseProtoNames", useProtoNames);
        }
        if (json["EmitDefaultValues"] is { Length: > 0 } emitDefaultValues)
        {
            options.Json.EmitDefaultValues = ReadBool(json, "EmitDefaultValues", emitDefaultValues);
        }
    }

    private static bool ReadBool(IConfigurationSection section, string key, string value) =>
        bool.TryParse(value, out var result) ? result : throw Invalid(section, key, value, "true or false");

    private static InvalidOperationException Invalid(IConfigurationSection section, string key, string value, string expected) =>
        new($"Configuration value '{value}' at '{section.Path}:{key}' is not valid; expected {expected}.");
}
