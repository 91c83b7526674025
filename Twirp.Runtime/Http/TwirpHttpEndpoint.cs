using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// The HTTP binding of one method: an endpoint's request delegate over the transport-neutral invoker,
/// answering Twirp and Connect callers alike (<see cref="TwirpProtocolDetection"/> tells them apart).
/// </summary>
/// <param name="invoker">The method served.</param>
/// <param name="spellings">
/// The routes below the path prefix this endpoint answers, equal but for case: the one it is mapped
/// with first, then spellings Twirp Go also accepts (<see cref="TwirpGoRoutes"/>).
/// </param>
internal sealed class TwirpHttpEndpoint(TwirpMethodInvoker invoker, string[] spellings)
{
    private readonly string[] _routes = Array.ConvertAll(spellings, spelling => invoker.Runtime.PathPrefix + "/" + spelling);

    public Task HandleAsync(HttpContext httpContext)
    {
        // Routing matches literals case-insensitively; Twirp routes are case-sensitive, so
        // "/twirp/pkg.Echo/say" or "/TWIRP/pkg.Echo/Say" name no method: a bad route, whose context has no method.
        var path = httpContext.Request.Path.Value ?? string.Empty;
        var isConnect = TwirpProtocolDetection.IsConnect(httpContext.Request);
        var routes = _routes;
        for (var i = 0; i < routes.Length; i++)
        {
            if (path.EndsWith(routes[i], StringComparison.Ordinal))
            {
                return isConnect
                    ? DispatchConnectAsync(httpContext)
                    : TwirpHttpCall.DispatchAsync(invoker, httpContext);
            }
        }
        return AnswerBadRouteAsync(httpContext, path, isConnect);
    }

    /// <summary>A Connect call: its <c>Connect-Timeout-Ms</c> becomes the call's deadline, cancelling its token.</summary>
    private async Task DispatchConnectAsync(HttpContext httpContext)
    {
        var timeout = ConnectTimeout.Read(httpContext.Request, out var timeoutError);
        using var deadline = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        deadline?.CancelAfter(timeout!.Value);
        var context = httpContext.CreateTwirpContext(invoker.Method, invoker.Runtime.Definition, TwirpProtocol.Connect,
            deadline?.Token ?? httpContext.RequestAborted, DateTimeOffset.UtcNow + timeout);
        await invoker.DispatchAsync(context, new ConnectHttpExchange(httpContext, deadline, timeoutError, invoker.Runtime.ConnectCompressMinBytes)).ConfigureAwait(false);
    }

    private Task AnswerBadRouteAsync(HttpContext httpContext, string path, bool isConnect)
    {
        var runtime = invoker.Runtime;
        // Only the prefix differs in case ("/TWIRP/pkg.Echo/Say"): Go names the expected prefix.
        string? actualPrefix = null;
        foreach (var spelling in spellings)
        {
            if (path.EndsWith("/" + spelling, StringComparison.Ordinal))
            {
                actualPrefix = path.Substring(path.Length - spelling.Length - 1 - runtime.PathPrefix.Length, runtime.PathPrefix.Length);
                break;
            }
        }
        var badRoute = actualPrefix is null
            ? TwirpBadRoutes.Describe(httpContext, isConnect, null, null)
            : TwirpBadRoutes.Describe(httpContext, isConnect, actualPrefix, runtime.PathPrefix);
        return TwirpBadRoutes.AnswerAsync(httpContext, isConnect, runtime, badRoute, runtime.Logger);
    }
}
