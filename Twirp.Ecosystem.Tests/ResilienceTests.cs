using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using NUnit.Framework;
using Polly;
using Polly.Timeout;
using Twirp.Ecosystem.Tests.Stock;
using Twirp.Example.Haberdasher;

namespace Twirp.Ecosystem.Tests;

/// <summary>
/// Microsoft.Extensions.Http.Resilience's standard handler around a generated client, against a real
/// Kestrel server that fails the first calls on purpose.
/// </summary>
public class ResilienceTests
{
    private static async Task<(LoopbackApp Server, ServiceProvider Client, FailureScript Script)> StartAsync(
        Action<IServiceCollection, Uri> addClient, params TwirpException[] failures)
    {
        var script = new FailureScript(failures);
        var server = await LoopbackApp.StartAsync(
            services => services.AddTwirp().Services.AddSingleton(script),
            app =>
            {
                app.MapTwirp<FlakyHaberdasher>();
                app.MapTwirp<FlakyStock>();
            });
        var clientServices = new ServiceCollection();
        addClient(clientServices, server.Address);
        return (server, clientServices.BuildServiceProvider(), script);
    }

    // The standard handler with its defaults, but a 10 ms first delay so the test does not wait 2 s per retry.
    private static void AddHaberdasherWithStandardHandler(IServiceCollection services, Uri address) =>
        services.AddTwirpClient<HaberdasherClient>(o => o.BaseAddress = address)
            .AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.FromMilliseconds(10));

    [Test]
    public async Task Standard_handler_retries_unavailable_until_the_call_succeeds()
    {
        var (server, client, script) = await StartAsync(AddHaberdasherWithStandardHandler,
            TwirpException.Unavailable("warming up"), TwirpException.Unavailable("still warming up"));
        await using var _ = server;
        await using var __ = client;

        var hat = await client.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size { Inches = 8 });

        Assert.That(hat.Inches, Is.EqualTo(8));
        Assert.That(script.Calls, Is.EqualTo(3), "two 503s, then the answer");
    }

    [Test]
    public async Task Standard_handler_does_not_retry_invalid_argument()
    {
        var (server, client, script) = await StartAsync(AddHaberdasherWithStandardHandler, TwirpException.InvalidArgument("inches", "must be positive"));
        await using var _ = server;
        await using var __ = client;

        var error = Assert.ThrowsAsync<TwirpException>(() => client.GetRequiredService<HaberdasherClient>().MakeHatAsync(new Size { Inches = 8 }));

        Assert.That((error!.Code, error.Message), Is.EqualTo((TwirpErrorCode.InvalidArgument, "inches must be positive")));
        Assert.That(script.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Standard_handler_by_default_also_retries_internal_on_a_method_with_side_effects()
    {
        var (server, client, script) = await StartAsync(
            (services, address) => services.AddTwirpClient<StockClient>(o => o.BaseAddress = address)
                .AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.FromMilliseconds(10)),
            TwirpException.Internal("failed after taking the items"));
        await using var _ = server;
        await using var __ = client;

        await client.GetRequiredService<StockClient>().ReserveAsync(new Item { Sku = "hat", Quantity = 1 });

        Assert.That(script.Calls, Is.EqualTo(2), "Reserve ran twice: the default predicate retries every 5xx, and every Twirp call is a POST");
    }

    [Test]
    public async Task Twirp_aware_policy_retries_internal_only_for_a_method_without_side_effects()
    {
        var (server, client, script) = await StartAsync(AddStockWithTwirpAwareRetries,
            TwirpException.Internal("failed after taking the items"), TwirpException.Internal("lost the connection to the database"));
        await using var _ = server;
        await using var __ = client;
        var stock = client.GetRequiredService<StockClient>();

        var error = Assert.ThrowsAsync<TwirpException>(() => stock.ReserveAsync(new Item { Sku = "hat", Quantity = 1 }));
        var callsAfterReserve = script.Calls;
        var count = await stock.CountAsync(new Item { Sku = "hat" });

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(callsAfterReserve, Is.EqualTo(1), "Reserve (side effects) is not repeated");
        Assert.That(count.Quantity, Is.EqualTo(42));
        Assert.That(script.Calls, Is.EqualTo(3), "Count (NO_SIDE_EFFECTS) is retried after its 500");
    }

    [Test]
    public async Task Twirp_aware_policy_retries_unavailable_for_any_method_and_never_a_client_error()
    {
        var (server, client, script) = await StartAsync(AddStockWithTwirpAwareRetries,
            TwirpException.Unavailable("draining"), TwirpException.FailedPrecondition("out of stock"));
        await using var _ = server;
        await using var __ = client;
        var stock = client.GetRequiredService<StockClient>();

        var error = Assert.ThrowsAsync<TwirpException>(() => stock.ReserveAsync(new Item { Sku = "hat", Quantity = 1 }));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.FailedPrecondition));
        Assert.That(script.Calls, Is.EqualTo(2), "the 503 retried, the 412 not");
    }

    [Test]
    public async Task Twirp_aware_policy_retries_a_refused_connection_for_any_method()
    {
        // A port that was just free: nothing listens, so the request never left this machine.
        var address = await FreePortAsync();
        var services = new ServiceCollection();
        AddStockWithTwirpAwareRetries(services, address);
        var attempts = 0;
        services.AddTwirpClient<StockClient>().AddHttpMessageHandler(() => new CountingHandler(() => Interlocked.Increment(ref attempts)));
        await using var client = services.BuildServiceProvider();

        var error = Assert.ThrowsAsync<TwirpException>(() => client.GetRequiredService<StockClient>().ReserveAsync(new Item { Sku = "hat" }));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Unavailable));
        Assert.That(attempts, Is.EqualTo(4), "the first attempt and three retries");
    }

    /// <summary>The policy docs/client.md recommends for Twirp, with a short first delay for the test.</summary>
    private static void AddStockWithTwirpAwareRetries(IServiceCollection services, Uri address) =>
        services.AddTwirpClient<StockClient>(o =>
            {
                o.BaseAddress = address;
                o.Hooks.Add(TwirpRetries.TagRequests);
            })
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.Delay = TimeSpan.FromMilliseconds(10);
                o.Retry.ShouldHandle = TwirpRetries.ShouldRetry;
            });

    private static async Task<Uri> FreePortAsync()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await Task.Yield();
        return new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Fails calls with the errors given, in order, then succeeds; counts every call.</summary>
    public sealed class FailureScript(TwirpException[] failures)
    {
        private readonly ConcurrentQueue<TwirpException> _failures = new(failures);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Next()
        {
            Interlocked.Increment(ref _calls);
            if (_failures.TryDequeue(out var failure))
            {
                throw failure;
            }
        }
    }

    public sealed class FlakyHaberdasher(FailureScript script) : HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, TwirpContext context)
        {
            script.Next();
            return Task.FromResult(new Hat { Inches = request.Inches, Color = "grey", Name = "fedora" });
        }
    }

    public sealed class FlakyStock(FailureScript script) : StockBase
    {
        public override Task<Item> Reserve(Item request, TwirpContext context)
        {
            script.Next();
            return Task.FromResult(request);
        }

        public override Task<Item> Count(Item request, TwirpContext context)
        {
            script.Next();
            return Task.FromResult(new Item { Sku = request.Sku, Quantity = 42 });
        }
    }

    private sealed class CountingHandler(Action onSend) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
