using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>Runs each kind of hook over the service's hooks (global first), in order.</summary>
internal static class TwirpHookRunner
{
    // Before the answer is decided a rejection (TwirpException) or failure propagates: the call is answered with it.
    public static ValueTask RequestReceivedAsync(TwirpHooks[] hooks, TwirpContext context) =>
        RunAsync(hooks, context, static hook => hook.RequestReceived);

    public static ValueTask RequestRoutedAsync(TwirpHooks[] hooks, TwirpContext context) =>
        RunAsync(hooks, context, static hook => hook.RequestRouted);

    public static ValueTask ResponsePreparedAsync(TwirpHooks[] hooks, TwirpContext context) =>
        RunAsync(hooks, context, static hook => hook.ResponsePrepared);

    // Once the answer is decided a failing hook is logged and must not change it or skip the others.
    public static ValueTask ErrorAsync(TwirpHooks[] hooks, TwirpContext context, TwirpException error, ILogger logger) =>
        RunLoggingFailuresAsync(hooks, context, error, logger, nameof(TwirpHooks.Error), static hook => hook.Error, static (callback, context, error) => callback(context, error!));

    public static ValueTask ResponseSentAsync(TwirpHooks[] hooks, TwirpContext context, ILogger logger) =>
        RunLoggingFailuresAsync(hooks, context, error: null, logger, nameof(TwirpHooks.ResponseSent), static hook => hook.ResponseSent, static (callback, context, _) => callback(context));

    private static async ValueTask RunAsync(TwirpHooks[] hooks, TwirpContext context, Func<TwirpHooks, Func<TwirpContext, ValueTask>?> select)
    {
        foreach (var hook in hooks)
        {
            if (select(hook) is { } callback)
            {
                await callback(context).ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask RunLoggingFailuresAsync<TCallback>(
        TwirpHooks[] hooks,
        TwirpContext context,
        TwirpException? error,
        ILogger logger,
        string hookName,
        Func<TwirpHooks, TCallback?> select,
        Func<TCallback, TwirpContext, TwirpException?, ValueTask> invoke)
        where TCallback : Delegate
    {
        foreach (var hook in hooks)
        {
            if (select(hook) is { } callback)
            {
                try
                {
                    await invoke(callback, context, error).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    TwirpLog.HookFailed(logger, hookName, context.RouteName, exception);
                }
            }
        }
    }
}
