using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// The one place that answers a call with an error, on every transport: turns what went wrong into a
/// Twirp error (and logs it once), runs the <c>Error</c> hooks, and hands the error to the exchange,
/// or aborts the exchange when its answer already started.
/// </summary>
internal sealed class TwirpErrorResponder(TwirpHooks[] hooks, bool enableDetailedErrors, ILogger logger)
{
    /// <summary>
    /// Answers a request that names the service but none of its methods (or not as a valid call), as
    /// Twirp Go's service handler does: <c>RequestReceived</c> hooks (which may reject it with their own
    /// error), then <paramref name="badRoute"/> through the <c>Error</c> hooks, then <c>ResponseSent</c>.
    /// </summary>
    public async Task AnswerBadRouteAsync(TwirpContext context, ITwirpServerExchange exchange, TwirpException badRoute)
    {
        var telemetry = TwirpServerTelemetry.Start(method: null, context);
        try
        {
            await TwirpHookRunner.RequestReceivedAsync(hooks, context).ConfigureAwait(false);
            await AnswerAsync(context, exchange, badRoute).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await FailAsync(context, exchange, exception).ConfigureAwait(false);
        }
        finally
        {
            await TwirpHookRunner.ResponseSentAsync(hooks, context, logger).ConfigureAwait(false);
            TwirpServerTelemetry.Stop(telemetry, context.Error);
        }
    }

    /// <summary>Answers the call with <paramref name="exception"/> as a Twirp error; never throws.</summary>
    public Task FailAsync(TwirpContext context, ITwirpServerExchange exchange, Exception exception)
    {
        if (context.Answered)
        {
            if (exception is TwirpException { Code: TwirpErrorCode.Canceled })
            {
                // The transport could not deliver the answer: the client is gone, no fault of ours.
                TwirpLog.CallCanceled(logger, context.RouteName);
                return Task.CompletedTask;
            }
            // An exchange interceptor threw after the answer went out: the client has its answer, so
            // the failure is only logged; aborting now could destroy a complete response.
            TwirpLog.FailedAfterAnswer(logger, context.RouteName, exception);
            return Task.CompletedTask;
        }
        return AnswerAsync(context, exchange, ToTwirpError(context, exchange, exception));
    }

    private async Task AnswerAsync(TwirpContext context, ITwirpServerExchange exchange, TwirpException error)
    {
        context.Error = error;
        await TwirpHookRunner.ErrorAsync(hooks, context, error, logger).ConfigureAwait(false);
        if (exchange.HasStarted)
        {
            // The answer is partly out; breaking the exchange is the only honest signal left.
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
            TwirpLog.ErrorNotSent(logger, context.RouteName, writeFailure);
        }
    }

    private TwirpException ToTwirpError(TwirpContext context, ITwirpServerExchange exchange, Exception exception)
    {
        var name = context.RouteName;
        if (exception is TwirpException twirpException)
        {
            if (twirpException.InnerException is { } cause && twirpException.Code.ToHttpStatus() >= 500)
            {
                // A server-side failure wrapped on purpose (TwirpException.Internal(msg, cause)): the
                // cause is never sent, so the log is the only place it shows.
                TwirpLog.CallFailedWithCause(logger, name, twirpException.Code.ToWireName(), twirpException.Message, cause);
            }
            else
            {
                TwirpLog.CallFailed(logger, name, twirpException.Code.ToWireName(), twirpException.Message);
            }
            return twirpException;
        }
        if (context.CancellationToken.IsCancellationRequested)
        {
            // Whatever the handler threw once the call was abandoned (OperationCanceledException, an
            // IOException from a reset connection) is the cancellation, not a bug.
            if (exchange.IsDeadlineExceeded)
            {
                TwirpLog.CallTimedOut(logger, name);
                return TwirpException.DeadlineExceeded("the request timed out");
            }
            TwirpLog.CallCanceled(logger, name);
            return TwirpException.Canceled("the request was canceled");
        }
        TwirpLog.HandlerFailed(logger, name, exception);
        var message = enableDetailedErrors ? exception.ToString() : "Internal error";
        return TwirpException.Internal(message, exception);
    }
}
