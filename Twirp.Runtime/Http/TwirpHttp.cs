using System.Buffers;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>The HTTP side of Twirp errors.</summary>
internal static class TwirpHttp
{
    public static Dictionary<string, string> InvalidRouteMeta(HttpContext httpContext) => new(1)
    {
        ["twirp_invalid_route"] = httpContext.Request.Method + " " + httpContext.Request.Path.Value,
    };

    public static async Task WriteErrorAsync(HttpContext httpContext, TwirpException error)
    {
        var response = httpContext.Response;
        if (response.HasStarted)
        {
            // Headers are gone; aborting is the only honest signal left.
            httpContext.Abort();
            return;
        }
        response.Clear();
        response.StatusCode = error.Code.ToHttpStatus();
        response.ContentType = TwirpErrorJson.ContentType;
        var buffer = new ArrayBufferWriter<byte>(256);
        TwirpErrorJson.Write(buffer, error.Code, error.Message, error.Meta);
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
