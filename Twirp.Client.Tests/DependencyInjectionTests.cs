using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Example.Haberdasher;

namespace Twirp.Client.Tests;

public class DependencyInjectionTests
{
    private static readonly Hat Fedora = new() { Inches = 12, Color = "red", Name = "fedora" };

    private static ServiceProvider Build(Action<IServiceCollection> configure, IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var services = new ServiceCollection();
        if (configuration is not null)
        {
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        }
        configure(services);
        return services.BuildServiceProvider();
    }

    [Test]
    public async Task Client_is_configured_by_service_name_from_configuration()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(200, "{\"inches\":12,\"color\":\"red\",\"name\":\"fedora\"}", "application/json"));
        using var provider = Build(
            services => services.AddTwirpClient<HaberdasherClient>().ConfigurePrimaryHttpMessageHandler(() => handler),
            new Dictionary<string, string?>
            {
                ["Twirp:Clients:Haberdasher:BaseAddress"] = "http://hats.test/api",
                ["Twirp:Clients:Haberdasher:PathPrefix"] = "/rpc",
                ["Twirp:Clients:Haberdasher:Encoding"] = "Json",
            });

        var hat = await provider.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size { Inches = 12 });

        Assert.That(hat, Is.EqualTo(Fedora));
        Assert.That(handler.Single.Uri.ToString(), Is.EqualTo("http://hats.test/api/rpc/twirp.example.haberdasher.Haberdasher/MakeHat"));
        Assert.That(handler.Single.ContentType, Is.EqualTo("application/json"));
    }

    [Test]
    public void Full_service_name_section_is_preferred_over_the_short_name()
    {
        using var provider = Build(
            services => services.AddTwirpClient<HaberdasherClient>(),
            new Dictionary<string, string?>
            {
                ["Twirp:Clients:Haberdasher:BaseAddress"] = "http://short.test",
                ["Twirp:Clients:twirp.example.haberdasher.Haberdasher:BaseAddress"] = "http://full.test",
            });

        var options = provider.GetRequiredService<IOptionsMonitor<TwirpClientOptions>>().Get(HaberdasherTwirp.ServiceFullName);

        Assert.That(options.BaseAddress, Is.EqualTo(new Uri("http://full.test")));
    }

    [Test]
    public void Configure_delegate_runs_after_configuration_and_wins()
    {
        using var provider = Build(
            services => services.AddTwirpClient<HaberdasherClient>(o => o.Encoding = TwirpEncoding.Protobuf),
            new Dictionary<string, string?>
            {
                ["Twirp:Clients:Haberdasher:BaseAddress"] = "http://hats.test",
                ["Twirp:Clients:Haberdasher:Encoding"] = "json",
            });

        var options = provider.GetRequiredService<IOptionsMonitor<TwirpClientOptions>>().Get(HaberdasherTwirp.ServiceFullName);

        Assert.That(options.BaseAddress, Is.EqualTo(new Uri("http://hats.test")));
        Assert.That(options.Encoding, Is.EqualTo(TwirpEncoding.Protobuf));
    }

    [Test]
    public async Task Json_options_come_from_configuration()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(200, "{}", "application/json"));
        using var provider = Build(
            services => services.AddTwirpClient<Twirp.Interop.InteropClient>().ConfigurePrimaryHttpMessageHandler(() => handler),
            new Dictionary<string, string?>
            {
                ["Twirp:Clients:Interop:BaseAddress"] = "http://interop.test",
                ["Twirp:Clients:Interop:Encoding"] = "application/json",
                ["Twirp:Clients:Interop:Json:UseProtoNames"] = "false",
                ["Twirp:Clients:Interop:Json:EmitDefaultValues"] = "false",
            });

        await provider.GetRequiredService<Twirp.Interop.InteropClient>().EchoAsync(new Twirp.Interop.Everything { Int32Value = 5, StringValue = "" });

        Assert.That(System.Text.Encoding.UTF8.GetString(handler.Single.Body), Is.EqualTo("{\"int32Value\":5}"));
    }

    [Test]
    public void Response_size_limit_comes_from_configuration()
    {
        using var provider = Build(
            services => services.AddTwirpClient<HaberdasherClient>(),
            new Dictionary<string, string?> { ["Twirp:Clients:Haberdasher:MaxResponseBodySize"] = "1048576" });

        var options = provider.GetRequiredService<IOptionsMonitor<TwirpClientOptions>>().Get(HaberdasherTwirp.ServiceFullName);

        Assert.That(options.MaxResponseBodySize, Is.EqualTo(1_048_576));
    }

    [TestCase("MaxResponseBodySize", "1 MB", "a number of bytes")]
    [TestCase("Encoding", "xml", "Protobuf or Json")]
    [TestCase("BaseAddress", "not a uri", "absolute URI")]
    [TestCase("Json:UseProtoNames", "maybe", "true or false")]
    public void Invalid_configuration_value_fails_naming_its_key(string key, string value, string expected)
    {
        using var provider = Build(
            services => services.AddTwirpClient<HaberdasherClient>(),
            new Dictionary<string, string?> { ["Twirp:Clients:Haberdasher:" + key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<HaberdasherClient>());

        Assert.That(error!.Message, Does.Contain("Twirp:Clients:Haberdasher:" + key).And.Contain(expected));
    }

    [Test]
    public void Client_without_configuration_or_base_address_fails_when_resolved_with_a_clear_message()
    {
        using var provider = Build(services => services.AddTwirpClient<HaberdasherClient>());

        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<HaberdasherClient>());

        Assert.That(error!.Message, Does.Contain("BaseAddress"));
    }

    [Test]
    public async Task Returned_builder_composes_with_AddHttpMessageHandler()
    {
        var handler = RecordingHandler.Returning(Fedora);
        using var provider = Build(services => services
            .AddTwirpClient<HaberdasherClient>(o => o.BaseAddress = new Uri("http://hats.test"))
            .AddHttpMessageHandler(() => new HeaderHandler("X-Api-Key", "secret"))
            .ConfigurePrimaryHttpMessageHandler(() => handler));

        await provider.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size());

        Assert.That(handler.Single.Headers["X-Api-Key"], Is.EqualTo("secret"));
    }

    [Test]
    public async Task ConfigureTwirpClient_adds_an_interceptor_resolved_from_the_container()
    {
        var handler = RecordingHandler.Returning(Fedora);
        using var provider = Build(services =>
        {
            services.AddSingleton<TenantInterceptor>();
            services.AddSingleton(new Tenant("acme"));
            services.AddTwirpClient<HaberdasherClient>(o => o.BaseAddress = new Uri("http://hats.test"))
                .ConfigureTwirpClient((options, provider) => options.Interceptors.Add(provider.GetRequiredService<TenantInterceptor>()))
                .ConfigurePrimaryHttpMessageHandler(() => handler);
        });

        await provider.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size());

        Assert.That(handler.Single.Headers["X-Tenant"], Is.EqualTo("acme"));
    }

    [Test]
    public async Task Client_base_address_can_come_from_ConfigureHttpClient()
    {
        var handler = RecordingHandler.Returning(Fedora);
        using var provider = Build(services => services
            .AddTwirpClient<HaberdasherClient>()
            .ConfigureHttpClient(http => http.BaseAddress = new Uri("http://from-http-client.test"))
            .ConfigurePrimaryHttpMessageHandler(() => handler));

        await provider.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size());

        Assert.That(handler.Single.Uri.Host, Is.EqualTo("from-http-client.test"));
    }

    [Test]
    public async Task Redirects_are_not_followed_by_registered_clients()
    {
        var redirectedTo = 0;
        await using var server = await KestrelApp.StartAsync(app =>
        {
            app.MapPost("/twirp/twirp.example.haberdasher.Haberdasher/MakeHat", (HttpContext context) => Results.Redirect("/elsewhere", permanent: false, preserveMethod: true));
            app.MapPost("/elsewhere", () => { Interlocked.Increment(ref redirectedTo); return Results.Ok(); });
        });
        using var provider = Build(services => services.AddTwirpClient<HaberdasherClient>(o => o.BaseAddress = server.BaseAddress));

        var error = Assert.ThrowsAsync<TwirpException>(() => provider.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Meta["location"], Is.EqualTo("/elsewhere"));
        Assert.That(redirectedTo, Is.Zero);
    }

    [Test]
    public async Task Resolved_clients_serve_many_concurrent_calls_against_a_real_server()
    {
        await using var server = await KestrelApp.StartAsync(app => app.MapTwirp<EchoingHaberdasher>());
        using var provider = Build(
            services => services.AddTwirpClient<HaberdasherClient>(),
            new Dictionary<string, string?> { ["Twirp:Clients:Haberdasher:BaseAddress"] = server.BaseAddress.ToString() });

        var hats = await Task.WhenAll(Enumerable.Range(1, 300).Select(i =>
            provider.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size { Inches = i })));

        Assert.That(hats.Select(h => h.Inches), Is.EqualTo(Enumerable.Range(1, 300)));
        Assert.That(hats.Select(h => h.Name), Is.All.EqualTo("echo"));
    }

    private sealed record Tenant(string Name);

    private sealed class TenantInterceptor(Tenant tenant) : TwirpClientInterceptor
    {
        public override Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation)
        {
            context.RequestHeaders["X-Tenant"] = tenant.Name;
            return continuation(request, context);
        }
    }

    private sealed class HeaderHandler(string name, string value) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add(name, value);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class EchoingHaberdasher : HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, TwirpContext context) =>
            Task.FromResult(new Hat { Inches = request.Inches, Name = "echo" });
    }
}
