using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;

namespace Twirp.OpenApi;

/// <summary>
/// The OpenAPI data of every Twirp service compiled into the app, and of the messages and enums they
/// reach, registered by the generated <c>{Service}TwirpOpenApi</c> and <c>TwirpOpenApiTypes</c> classes
/// when their assembly loads (module initializers), so the document is built without reflection.
/// </summary>
public static class TwirpOpenApiServices
{
    private static readonly ConcurrentDictionary<string, Lazy<TwirpOpenApiService>> s_services = new(StringComparer.Ordinal);
    private static readonly object s_typesGate = new();
    private static readonly List<TwirpOpenApiData> s_typeSources = new();
    private static Dictionary<string, TwirpOpenApiMessage>? s_messages;
    private static Dictionary<string, TwirpOpenApiEnum>? s_enums;

    /// <summary>Registers the data of the service <paramref name="fullName"/>, read on first use; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(string fullName, TwirpOpenApiData service)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        ArgumentNullException.ThrowIfNull(service);
        s_services[fullName] = new Lazy<TwirpOpenApiService>(() => TwirpOpenApiDataReader.ReadService(service()));
    }

    /// <summary>Registers messages and enums of one assembly's services (one chunk of them), read on first use; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RegisterTypes(TwirpOpenApiData types)
    {
        ArgumentNullException.ThrowIfNull(types);
        lock (s_typesGate)
        {
            s_typeSources.Add(types);
            s_messages = null;
            s_enums = null;
        }
    }

    /// <summary>The data of the service <paramref name="fullName"/> (<c>package.Service</c>), or null when none is compiled in.</summary>
    public static TwirpOpenApiService? Find(string fullName) =>
        s_services.TryGetValue(fullName, out var service) ? service.Value : null;

    /// <summary>The message <paramref name="fullName"/> (<c>package.Message</c>), or null when no service reaches it.</summary>
    public static TwirpOpenApiMessage? FindMessage(string fullName) =>
        Types().Messages.TryGetValue(fullName, out var message) ? message : null;

    /// <summary>The enum <paramref name="fullName"/>, or null when no service reaches it.</summary>
    public static TwirpOpenApiEnum? FindEnum(string fullName) =>
        Types().Enums.TryGetValue(fullName, out var enumeration) ? enumeration : null;

    private static (Dictionary<string, TwirpOpenApiMessage> Messages, Dictionary<string, TwirpOpenApiEnum> Enums) Types()
    {
        lock (s_typesGate)
        {
            if (s_messages is null || s_enums is null)
            {
                var messages = new Dictionary<string, TwirpOpenApiMessage>(StringComparer.Ordinal);
                var enums = new Dictionary<string, TwirpOpenApiEnum>(StringComparer.Ordinal);
                var readMessages = new List<TwirpOpenApiMessage>();
                var readEnums = new List<TwirpOpenApiEnum>();
                foreach (var source in s_typeSources)
                {
                    readMessages.Clear();
                    readEnums.Clear();
                    TwirpOpenApiDataReader.ReadTypes(source(), readMessages, readEnums);
                    // Two assemblies compiled from the same .proto describe its types alike: the first one stays.
                    foreach (var message in readMessages)
                    {
                        messages.TryAdd(message.FullName, message);
                    }
                    foreach (var enumeration in readEnums)
                    {
                        enums.TryAdd(enumeration.FullName, enumeration);
                    }
                }
                (s_messages, s_enums) = (messages, enums);
            }
            return (s_messages, s_enums);
        }
    }
}
