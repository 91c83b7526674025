using System;
using System.Net.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Twirp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers generated Twirp clients as typed clients of <c>IHttpClientFactory</c>.</summary>
public static class TwirpClientServiceCollectionExtensions
{
    /// <summary>The configuration section that holds one sub-section per service: <c>Twirp:Clients</c>.</summary>
    public const string ConfigurationSection = "Twirp:Clients";

    /// <summary>
    /// Registers <typeparamref name="TClient"/> as a typed client. Its options are read from
    /// <c>Twirp:Clients:{ServiceName}</c> (or <c>Twirp:Clients:{package.Service}</c>) in the app's
    /// <see cref="IConfiguration"/>, if any, then <paramref name="configure"/> runs. The
    /// <see cref="HttpClient"/> is named after the service's full name, so
    /// <c>services.AddOptions&lt;TwirpClientOptions&gt;(HaberdasherTwirp.ServiceFullName)</c> configures it too.
    /// Redirects are not followed, as in Twirp Go.
    /// </summary>
    /// <returns>The HTTP client builder, to add handlers (<c>AddHttpMessageHandler</c>, resilience) and configure the client.</returns>
    public static IHttpClientBuilder AddTwirpClient<TClient>(this IServiceCollection services, Action<TwirpClientOptions>? configure = null)
        where TClient : TwirpClient, ITwirpClient<TClient>
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = TClient.ServiceFullName;

        services.AddOptions<TwirpClientOptions>(name)
            .Configure<IServiceProvider>(static (options, provider) =>
            {
                if (provider.GetService(typeof(IConfiguration)) is IConfiguration configuration)
                {
                    TwirpClientConfiguration.Apply(options, configuration, TClient.ServiceName, TClient.ServiceFullName);
                }
            });
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        return services
            .AddHttpClient<TClient, TClient>(name, static (HttpClient httpClient, IServiceProvider provider) =>
                TClient.Create(httpClient, provider.GetRequiredService<IOptionsMonitor<TwirpClientOptions>>().Get(TClient.ServiceFullName)))
            .ConfigurePrimaryHttpMessageHandler(static (handler, _) => DisableRedirects(handler));
    }

    /// <summary>
    /// Configures the <see cref="TwirpClientOptions"/> of a client registered with
    /// <see cref="AddTwirpClient{TClient}"/>, with the app's services at hand: e.g. add an interceptor or
    /// hooks resolved from DI. Runs after configuration and the <c>AddTwirpClient</c> delegate. The
    /// options, and what they hold, are created once per client name and shared by every client instance.
    /// </summary>
    public static IHttpClientBuilder ConfigureTwirpClient(this IHttpClientBuilder builder, Action<TwirpClientOptions, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<TwirpClientOptions>(builder.Name).Configure<IServiceProvider>(configure);
        return builder;
    }

    private static void DisableRedirects(HttpMessageHandler handler)
    {
        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.AllowAutoRedirect = false;
                break;
            case HttpClientHandler client:
                client.AllowAutoRedirect = false;
                break;
        }
    }
}
