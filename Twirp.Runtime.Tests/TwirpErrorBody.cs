using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Twirp.Runtime.Tests;

/// <summary>A Twirp error response, read strictly: exactly the keys Twirp allows.</summary>
public sealed record TwirpErrorBody(int Status, string Code, string Msg, IReadOnlyDictionary<string, string> Meta, string Raw)
{
    public static async Task<TwirpErrorBody> ReadAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), "errors are always JSON");
        var raw = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(raw);
        var meta = new Dictionary<string, string>();
        string? code = null, msg = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            switch (property.Name)
            {
                case "code": code = property.Value.GetString(); break;
                case "msg": msg = property.Value.GetString(); break;
                case "meta":
                    foreach (var entry in property.Value.EnumerateObject())
                    {
                        meta[entry.Name] = entry.Value.GetString()!;
                    }
                    Assert.That(meta, Is.Not.Empty, "meta is omitted when empty");
                    break;
                default:
                    Assert.Fail($"unexpected top-level key '{property.Name}' in {raw}");
                    break;
            }
        }
        Assert.That(code, Is.Not.Null, raw);
        Assert.That(msg, Is.Not.Null, raw);
        return new TwirpErrorBody((int)response.StatusCode, code!, msg!, meta, raw);
    }
}
