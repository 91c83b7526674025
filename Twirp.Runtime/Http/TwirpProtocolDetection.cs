using System;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// Which protocol a request to a Twirp endpoint speaks, decided per request from headers alone: a
/// <c>Connect-Protocol-Version</c> header or an <c>application/proto</c> body is Connect, and so is a
/// <c>GET</c> with Connect's <c>connect</c> or <c>encoding</c> query parameter; everything else is Twirp,
/// so a Twirp client (<c>application/protobuf</c>, or <c>application/json</c> without the header) sees
/// no change.
/// </summary>
internal static class TwirpProtocolDetection
{
    public static bool IsConnect(HttpRequest request)
    {
        // One lookup of a header Twirp clients never send, then the Content-Type Twirp reads anyway:
        // a Twirp call pays two span comparisons and allocates nothing.
        if (request.Headers.ContainsKey(ConnectProtocol.ProtocolVersionHeader))
        {
            return true;
        }
        var contentType = request.ContentType;
        const string proto = ConnectProtocol.ProtoContentType;
        if (contentType is not null
            && contentType.StartsWith(proto, StringComparison.OrdinalIgnoreCase)
            && (contentType.Length == proto.Length || contentType[proto.Length] is ';' or ' ' or '\t'))
        {
            return true;
        }
        return HttpMethods.IsGet(request.Method)
            && request.QueryString.HasValue
            && (request.Query.ContainsKey(ConnectProtocol.ConnectQuery) || request.Query.ContainsKey(ConnectProtocol.EncodingQuery));
    }
}
