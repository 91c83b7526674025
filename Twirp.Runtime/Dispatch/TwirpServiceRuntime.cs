using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// One service's options, merged from the global and per-service ones once at startup, and how its
/// calls are answered with errors.
/// </summary>
internal sealed class TwirpServiceRuntime
{
    public TwirpServiceRuntime(TwirpServiceDefinition definition, TwirpOptions global, TwirpServiceOptions service, TwirpServiceActivator activator, ILogger logger)
    {
        Definition = definition;
        PathPrefix = NormalizePrefix(service.PathPrefix ?? global.PathPrefix);
        MaxRequestBodySize = service.MaxRequestBodySizeSpecified ? service.MaxRequestBodySize : global.MaxRequestBodySize;
        EnableDetailedErrors = service.EnableDetailedErrors ?? global.EnableDetailedErrors;
        JsonCodec = new TwirpJsonCodec(service.Json ?? global.Json);
        Hooks = Concat(global.Hooks, service.Hooks);
        Interceptors = Concat(global.Interceptors, service.Interceptors);
        Activator = activator;
        Logger = logger;
    }

    public TwirpServiceDefinition Definition { get; }

    /// <summary>Empty, or starts with <c>/</c> and does not end with one.</summary>
    public string PathPrefix { get; }

    public long? MaxRequestBodySize { get; }

    public bool EnableDetailedErrors { get; }

    public TwirpJsonCodec JsonCodec { get; }

    public TwirpHooks[] Hooks { get; }

    public TwirpInterceptorRegistration[] Interceptors { get; }

    public TwirpServiceActivator Activator { get; }

    public ILogger Logger { get; }

    public static string NormalizePrefix(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).Trim().Trim('/');
        return trimmed.Length == 0 ? string.Empty : "/" + trimmed;
    }

    private static T[] Concat<T>(IList<T> first, IList<T> second)
    {
        var all = new T[first.Count + second.Count];
        first.CopyTo(all, 0);
        second.CopyTo(all, first.Count);
        return all;
    }

    /// <summary>
    /// Answers a request that names this service but none of its methods (or not as a valid call), as
    /// Twirp Go's service handler does: <c>RequestReceived</c> hooks (which may reject it with their own
    /// error), then <paramref name="badRoute"/> through the <c>Error</c> hooks, then <c>ResponseSent</c>.
    /// </summary>
    public async Task AnswerBadRouteAsync(TwirpContext context, ITwirpServerExchange exchange, TwirpException badRoute)
    {
        try
        {
            await TwirpHookRunner.RequestReceivedAsync(Hooks, context).ConfigureAwait(false);
            await AnswerErrorAsync(context, exchange, badRoute).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await FailAsync(context, exchange, exception).ConfigureAwait(false);
        }
        finally
        {
            await TwirpHookRunner.ResponseSentAsync(Hooks, context, Logger).ConfigureAwait(false);
        }
    }

    /// <summary>Answers the call with <paramref name="exception"/> as a Twirp error; never throws.</summary>
    public Task FailAsync(TwirpContext context, ITwirpServerExchange exchange, Exception exception)
    {
        if (context.Answered)
        {
            // An exchange interceptor threw after the answer went out: the client has its answer, so
            // the failure is only logged; aborting now could destroy a complete response.
            TwirpLog.FailedAfterAnswer(Logger, context.RouteName, exception);
            return Task.CompletedTask;
        }
        return AnswerErrorAsync(context, exchange, ToTwirpError(context, exception));
    }

    private async Task AnswerErrorAsync(TwirpContext context, ITwirpServerExchange exchange, TwirpException error)
    {
        context.Error = error;
        context.StatusCode = error.Code.ToHttpStatus();
        await TwirpHookRunner.ErrorAsync(Hooks, context, error, Logger).ConfigureAwait(false);
        if (exchange.HasStarted)
        {
            // The status line is gone; breaking the connection is the only honest signal left.
            exchange.Abort();
            return;
        }
        try
        {
            // Not the call's token: a timed-out call still gets its deadline_exceeded answer.
            context.Answered = true;
            await exchange.WriteErrorAsync(error, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception writeFailure)
        {
            TwirpLog.ErrorNotSent(Logger, context.RouteName, writeFailure);
        }
    }

    private TwirpException ToTwirpError(TwirpContext context, Exception exception)
    {
        var name = context.RouteName;
        if (exception is TwirpException twirpException)
        {
            if (twirpException.InnerException is { } cause && twirpException.Code.ToHttpStatus() >= 500)
            {
                // A server-side failure wrapped on purpose (TwirpException.Internal(msg, cause)): the
                // cause is never sent, so the log is the only place it shows.
                TwirpLog.CallFailedWithCause(Logger, name, twirpException.Code.ToWireName(), twirpException.Message, cause);
            }
            else
            {
                TwirpLog.CallFailed(Logger, name, twirpException.Code.ToWireName(), twirpException.Message);
            }
            return twirpException;
        }
        if (context.CancellationToken.IsCancellationRequested)
        {
            // Whatever the handler threw once the call was abandoned (OperationCanceledException, an
            // IOException from a reset connection) is the cancellation, not a bug.
            if (context.HttpContext?.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true)
            {
                TwirpLog.CallTimedOut(Logger, name);
                return TwirpException.DeadlineExceeded("the request timed out");
            }
            TwirpLog.CallCanceled(Logger, name);
            return TwirpException.Canceled("the request was canceled");
        }
        TwirpLog.HandlerFailed(Logger, name, exception);
        var message = EnableDetailedErrors ? exception.ToString() : "Internal error";
        return TwirpException.Internal(message, exception);
    }
}
