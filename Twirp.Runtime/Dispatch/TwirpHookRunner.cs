using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>Runs each kind of hook over the service's hooks (global first), in order.</summary>
internal static class TwirpHookRunner
{
    // A rejection (TwirpException) or failure propagates: the call is answered with it.
    public static async ValueTask RequestReceivedAsync(TwirpHooks[] hooks, TwirpContext context)
    {
        foreach (var hook in hooks)
        {
            if (hook.RequestReceived is { } callback)
            {
                await callback(context).ConfigureAwait(false);
            }
        }
    }

    public static async ValueTask RequestRoutedAsync(TwirpHooks[] hooks, TwirpContext context)
    {
        foreach (var hook in hooks)
        {
            if (hook.RequestRouted is { } callback)
            {
                await callback(context).ConfigureAwait(false);
            }
        }
    }

    public static async ValueTask ResponsePreparedAsync(TwirpHooks[] hooks, TwirpContext context)
    {
        foreach (var hook in hooks)
        {
            if (hook.ResponsePrepared is { } callback)
            {
                await callback(context).ConfigureAwait(false);
            }
        }
    }

    // The answer is decided: a failing error hook is logged and must not change it or skip the others.
    public static async ValueTask ErrorAsync(TwirpHooks[] hooks, TwirpContext context, TwirpException error, ILogger logger)
    {
        foreach (var hook in hooks)
        {
            if (hook.Error is { } callback)
            {
                try
                {
                    await callback(context, error).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    TwirpLog.HookFailed(logger, nameof(TwirpHooks.Error), context.RouteName, exception);
                }
            }
        }
    }

    public static async ValueTask ResponseSentAsync(TwirpHooks[] hooks, TwirpContext context, ILogger logger)
    {
        foreach (var hook in hooks)
        {
            if (hook.ResponseSent is { } callback)
            {
                try
                {
                    await callback(context).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    TwirpLog.HookFailed(logger, nameof(TwirpHooks.ResponseSent), context.RouteName, exception);
                }
            }
        }
    }
}
