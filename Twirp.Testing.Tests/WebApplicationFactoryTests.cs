using System;
using System.Threading;
using System.Threading.Tasks;
using Haberdasher;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Example.Haberdasher;
using Twirp.Testing.Tests.Probe;

namespace Twirp.Testing.Tests;

/// <summary>The sample server (sample/Haberdasher's Program) under test, as a user tests their own app.</summary>
public class WebApplicationFactoryTests
{
    private WebApplicationFactory<Program> _factory = null!;

    [OneTimeSetUp]
    public void StartApp() => _factory = new WebApplicationFactory<Program>();

    [OneTimeTearDown]
    public async Task StopApp() => await _factory.DisposeAsync();

    [TestCase(TwirpEncoding.Protobuf)]
    [TestCase(TwirpEncoding.Json)]
    public async Task A_client_from_CreateTwirpClient_calls_the_app_under_test(TwirpEncoding encoding)
    {
        var client = _factory.Server.CreateTwirpClient<HaberdasherClient>(options => options.Encoding = encoding);

        var hat = await client.MakeHatAsync(new Size { Inches = 12 });

        Assert.That(hat.Inches, Is.EqualTo(12));
        Assert.That(hat.Color, Is.Not.Empty);
        Assert.That(client.GetRequestUri(HaberdasherTwirp.MakeHat).ToString(), Is.EqualTo("http://localhost/twirp/twirp.example.haberdasher.Haberdasher/MakeHat"));
    }

    [Test]
    public void The_apps_errors_arrive_as_twirp_exceptions()
    {
        var client = _factory.Server.CreateTwirpClient<HaberdasherClient>();

        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 0 }))!;

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.InvalidArgument));
        Assert.That(error.Meta["argument"], Is.EqualTo("inches"));
    }

    [Test]
    public async Task The_client_uses_the_path_prefix_the_app_maps_the_service_at()
    {
        // The sample reads its "Twirp" configuration section, as an app's appsettings.json would set it.
        await using var factory = _factory.WithWebHostBuilder(host => host.UseSetting("Twirp:PathPrefix", "/rpc/v1"));
        var client = factory.Server.CreateTwirpClient<HaberdasherClient>();

        var hat = await client.MakeHatAsync(new Size { Inches = 9 });

        Assert.That(hat.Inches, Is.EqualTo(9));
        Assert.That(client.GetRequestUri(HaberdasherTwirp.MakeHat).AbsolutePath, Is.EqualTo("/rpc/v1/twirp.example.haberdasher.Haberdasher/MakeHat"));
    }

    [Test]
    public async Task Interceptors_a_test_adds_to_the_app_and_to_the_client_run_around_the_call()
    {
        var calls = 0;
        await using var factory = _factory.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.Configure<TwirpOptions>(options => options.Interceptors.Add(new FixedHatNameInterceptor("test hat")))));
        var client = factory.Server.CreateTwirpClient<HaberdasherClient>(options => options.Interceptors.Add(new CountingClientInterceptor(() => Interlocked.Increment(ref calls))));

        var hat = await client.MakeHatAsync(new Size { Inches = 7 });

        Assert.That(hat.Name, Is.EqualTo("test hat"), "the app's interceptor replaced the name");
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public async Task The_apps_container_serves_in_memory_calls_with_the_apps_options()
    {
        await using var factory = _factory.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.Configure<TwirpOptions>(options => options.Interceptors.Add(new FixedHatNameInterceptor("in-memory hat")))));
        await using var server = TwirpInMemoryServer.Create<HaberdasherService>(factory.Services);
        var client = server.CreateClient<HaberdasherClient>();

        var hat = await client.MakeHatAsync(new Size { Inches = 5 });
        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = -1 }))!;

        Assert.That((hat.Inches, hat.Name), Is.EqualTo((5, "in-memory hat")));
        Assert.That((error.Code, error.Meta["argument"]), Is.EqualTo((TwirpErrorCode.InvalidArgument, "inches")));
    }

    [Test]
    public void A_service_the_app_does_not_map_is_refused_with_a_clear_error()
    {
        Assert.That(() => _factory.Server.CreateTwirpClient<ProbeClient>(),
            Throws.InvalidOperationException.With.Message.EqualTo(
                "The app under test maps no method of the Twirp service twirp.testing.tests.Probe (it maps: twirp.example.haberdasher.Haberdasher). Is MapTwirp called for it?"));
    }

    private sealed class FixedHatNameInterceptor(string name) : TwirpInterceptor
    {
        public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation)
        {
            var response = await continuation(request, context);
            if (response is Hat hat)
            {
                hat.Name = name;
            }
            return response;
        }
    }

    private sealed class CountingClientInterceptor(Action count) : TwirpClientInterceptor
    {
        public override Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation)
        {
            count();
            return continuation(request, context);
        }
    }
}
