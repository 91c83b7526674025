using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Twirp;

/// <summary>
/// Serves the calls of one service over any transport: the transport hands it a
/// <see cref="TwirpContext"/> and an <see cref="ITwirpServerExchange"/>, and it runs the hooks,
/// interceptors and handler and answers through the exchange. <c>MapTwirp</c> creates one per service
/// and binds each method's endpoint to the same per-method pipeline <see cref="DispatchAsync"/> runs;
/// the route already names the method, so only the lookup by name is skipped.
/// </summary>
public sealed class TwirpServiceDispatcher
{
    private readonly Dictionary<string, TwirpMethodInvoker> _invokers;

    private TwirpServiceDispatcher(TwirpServiceDefinition definition, TwirpServiceRuntime runtime)
    {
        Definition = definition;
        Runtime = runtime;
        _invokers = new Dictionary<string, TwirpMethodInvoker>(definition.Methods.Count, StringComparer.Ordinal);
        foreach (var serverMethod in definition.Methods)
        {
            _invokers[serverMethod.Method.Name] = serverMethod.CreateInvoker(runtime);
        }
    }

    /// <summary>The service served.</summary>
    public TwirpServiceDefinition Definition { get; }

    /// <summary>The service's path prefix after options: empty, or <c>/prefix</c> without a trailing slash.</summary>
    public string PathPrefix => Runtime.PathPrefix;

    internal TwirpServiceRuntime Runtime { get; }

    /// <summary>The invokers by proto method name.</summary>
    internal IReadOnlyDictionary<string, TwirpMethodInvoker> Invokers => _invokers;

    /// <summary>
    /// Creates the dispatcher of <typeparamref name="TService"/> with the options registered by
    /// <c>AddTwirp</c> (and <c>AddServiceOptions&lt;TService&gt;</c>) in <paramref name="services"/>.
    /// </summary>
    public static TwirpServiceDispatcher Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(IServiceProvider services)
        where TService : class, ITwirpService
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<TwirpMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'services.AddTwirp()' in the application's startup code.");
        }
        var global = services.GetRequiredService<IOptionsMonitor<TwirpOptions>>();
        var perService = services.GetRequiredService<IOptionsMonitor<TwirpServiceOptions<TService>>>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Twirp.Server");
        var runtime = new TwirpServiceRuntime(TService.Definition, global.CurrentValue, perService.CurrentValue, new TwirpServiceActivator<TService>(services), logger);
        // Lives as long as the monitors (the app's container), so the subscriptions are never undone.
        global.OnChange(_ => runtime.Reload(global.CurrentValue, perService.CurrentValue));
        perService.OnChange(_ => runtime.Reload(global.CurrentValue, perService.CurrentValue));
        return new TwirpServiceDispatcher(TService.Definition, runtime);
    }

    /// <summary>Finds a method of the service by its proto name, or returns null.</summary>
    public TwirpMethod? FindMethod(string methodName) =>
        _invokers.TryGetValue(methodName, out var invoker) ? invoker.Method : null;

    /// <summary>
    /// Serves one call of <see cref="TwirpContext.Method"/>. Never throws for a failing call: every
    /// failure is answered through <paramref name="exchange"/> as a Twirp error.
    /// </summary>
    public Task DispatchAsync(TwirpContext context, ITwirpServerExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exchange);
        if (context.Method is not { } method || !_invokers.TryGetValue(method.Name, out var invoker) || !ReferenceEquals(invoker.Method, method))
        {
            throw new ArgumentException($"{context.RouteName} is not a method of {Definition.FullName}.", nameof(context));
        }
        return invoker.DispatchAsync(context, exchange);
    }
}
