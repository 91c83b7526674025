using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// Lets authorization challenge and forbid as usual (status, <c>WWW-Authenticate</c>), then gives a
/// Twirp endpoint's bare 401/403 the Twirp error body a Twirp client expects: <c>unauthenticated</c> or
/// <c>permission_denied</c>. Other endpoints are untouched.
/// </summary>
internal sealed class TwirpAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        if (authorizeResult.Succeeded
            || context.Response.HasStarted
            || context.GetEndpoint()?.Metadata.GetMetadata<TwirpMethod>() is null)
        {
            return;
        }
        var error = context.Response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => TwirpException.Unauthenticated("unauthenticated"),
            StatusCodes.Status403Forbidden => TwirpException.PermissionDenied("permission denied"),
            _ => null,
        };
        if (error is not null)
        {
            await TwirpHttp.WriteErrorAsync(context, error, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
