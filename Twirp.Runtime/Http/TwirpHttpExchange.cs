using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>A Twirp call carried by one HTTP request/response.</summary>
internal sealed class TwirpHttpExchange(HttpContext httpContext) : HttpServerExchange(httpContext)
{
    public override TwirpException? CheckRequest(TwirpContext context)
    {
        var request = HttpContext.Request;
        if (!TwirpBadRoutes.IsTwirpMethod(request.Method))
        {
            return TwirpBadRoutes.Describe(HttpContext, isConnect: false, null, null);
        }
        if (!TwirpContentTypes.TryParse(request.ContentType, out var encoding))
        {
            return TwirpBadRoutes.Create(HttpContext, $"unexpected Content-Type: \"{request.ContentType}\"");
        }
        context.Encoding = encoding;
        // An extension of ours: Twirp has no compression, so an unset header is the usual case.
        var contentEncoding = request.Headers.ContentEncoding;
        if (contentEncoding.Count != 0)
        {
            if (!HttpCompression.TryParse(contentEncoding, out var gzip))
            {
                return TwirpException.Malformed($"unsupported Content-Encoding \"{contentEncoding}\": {HttpCompression.SupportedNames} are supported");
            }
            RequestIsGzip = gzip;
        }
        return null;
    }

    public override void StartResponse(TwirpEncoding encoding, int contentLength)
    {
        var response = HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = TwirpContentTypes.For(encoding);
        response.ContentLength = contentLength;
    }

    public override IBufferWriter<byte> ResponseBody => HttpContext.Response.BodyWriter;

    public override ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken) =>
        TwirpHttp.WriteTwirpErrorAsync(HttpContext, error, cancellationToken);
}
