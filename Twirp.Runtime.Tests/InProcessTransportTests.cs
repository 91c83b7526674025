using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.Echo;
using Twirp.Testing;

namespace Twirp.Runtime.Tests;

/// <summary>
/// Twirp.Testing's in-memory exchange is a transport without HTTP: request bytes in, response bytes or
/// an error out. These prove the dispatcher serves a service with nothing but <see cref="ITwirpServerExchange"/>.
/// </summary>
public class InProcessTransportTests
{
    private static InMemoryServerExchange Exchange(byte[] request, TwirpEncoding encoding) => new(request, encoding, deadline: default, caller: default);

    private static (TwirpServiceDispatcher Dispatcher, ServiceProvider Services, List<string> Hooks) Build()
    {
        var hooks = new List<string>();
        var services = new ServiceCollection()
            .AddSingleton<CallProbe>()
            .AddScoped<ScopedDependency>();
        services.AddTwirp(o => o.Hooks.Add(new TwirpHooks
        {
            RequestRouted = c => { hooks.Add("routed"); return default; },
            ResponseSent = c => { hooks.Add("sent:" + (c.Error?.Code.ToWireName() ?? "ok")); return default; },
        }));
        var provider = services.BuildServiceProvider();
        return (TwirpServiceDispatcher.Create<EchoService>(provider), provider, hooks);
    }

    [Test]
    public async Task Dispatcher_serves_a_protobuf_call_without_http_running_hooks()
    {
        var (dispatcher, services, hooks) = Build();
        await using var _ = services;
        await using var scope = services.CreateAsyncScope();
        var exchange = Exchange(new EchoRequest { Text = "in process" }.ToByteArray(), TwirpEncoding.Protobuf);
        var context = new TwirpContext(dispatcher.FindMethod("Say")!) { RequestServices = scope.ServiceProvider };

        await dispatcher.DispatchAsync(context, exchange);

        Assert.That(exchange.Error, Is.Null);
        Assert.That(EchoResponse.Parser.ParseFrom(exchange.Response.Span).Text, Is.EqualTo("in process"));
        Assert.That(context.GetHttpContext(), Is.Null);
        Assert.That(context.ResponseHeaders["X-Echo"].ToString(), Is.EqualTo("yes"), "headers are kept on the context");
        Assert.That(hooks, Is.EqualTo(new[] { "routed", "sent:ok" }));
    }

    [Test]
    public async Task Dispatcher_answers_failures_through_the_exchange_as_twirp_errors()
    {
        var (dispatcher, services, hooks) = Build();
        await using var _ = services;
        var exchange = Exchange("{\"text\":\"error:out_of_range\"}"u8.ToArray(), TwirpEncoding.Json);
        var context = new TwirpContext(EchoTwirp.Say) { RequestServices = services.CreateScope().ServiceProvider };

        await dispatcher.DispatchAsync(context, exchange);

        Assert.That(exchange.Error!.Code, Is.EqualTo(TwirpErrorCode.OutOfRange));
        Assert.That(hooks, Is.EqualTo(new[] { "routed", "sent:out_of_range" }));
    }

    [Test]
    public async Task Cancellation_is_deadline_exceeded_when_the_exchange_says_its_deadline_passed_else_canceled()
    {
        var answers = new List<TwirpErrorCode>();
        foreach (var deadlinePassed in new[] { true, false })
        {
            var (dispatcher, services, _) = Build();
            await using var __ = services;
            var probe = services.GetRequiredService<CallProbe>();
            using var cancellation = new CancellationTokenSource();
            await using var scope = services.CreateAsyncScope();
            // The exchange tells its deadline passing from the caller cancelling by which of its tokens fired.
            var request = new EchoRequest { Text = "wait" }.ToByteArray();
            var exchange = deadlinePassed
                ? new InMemoryServerExchange(request, TwirpEncoding.Protobuf, deadline: cancellation.Token, caller: default)
                : new InMemoryServerExchange(request, TwirpEncoding.Protobuf, deadline: default, caller: cancellation.Token);
            var context = new TwirpContext(EchoTwirp.Say, cancellation.Token) { RequestServices = scope.ServiceProvider, Deadline = DateTimeOffset.UtcNow };

            var call = dispatcher.DispatchAsync(context, exchange);
            await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            cancellation.Cancel();
            await call.WaitAsync(TimeSpan.FromSeconds(10));
            answers.Add(exchange.Error!.Code);
        }

        Assert.That(answers, Is.EqualTo(new[] { TwirpErrorCode.DeadlineExceeded, TwirpErrorCode.Canceled }));
    }

    [Test]
    public async Task Handler_reads_the_transports_typed_feature_and_metadata_from_the_context()
    {
        var (dispatcher, services, _) = Build();
        await using var _ = services;
        await using var scope = services.CreateAsyncScope();
        var probe = services.GetRequiredService<CallProbe>();
        var transport = new InProcessCallFeature("caller-7");
        var context = new TwirpContext(EchoTwirp.Say) { RequestServices = scope.ServiceProvider };
        context.SetFeature(transport);
        context.RequestHeaders["X-Tenant"] = "acme";

        await dispatcher.DispatchAsync(context, Exchange(new EchoRequest { Text = "hi" }.ToByteArray(), TwirpEncoding.Protobuf));

        Assert.That(probe.LastContext!.GetFeature<InProcessCallFeature>(), Is.SameAs(transport));
        Assert.That(probe.LastContext.RequestHeaders["X-Tenant"].ToString(), Is.EqualTo("acme"));
        Assert.That(probe.LastContext.GetFeature<string>(), Is.Null, "a feature nobody set is absent");
    }

    private sealed record InProcessCallFeature(string Caller);

    [Test]
    public void Dispatcher_refuses_a_method_of_another_service()
    {
        var (dispatcher, services, _) = Build();
        using var __ = services;

        Assert.That(dispatcher.FindMethod("Nope"), Is.Null);
        Assert.Throws<ArgumentException>(() => dispatcher.DispatchAsync(new TwirpContext(Twirp.Runtime.Tests.Bare.PingerTwirp.Ping), Exchange([], TwirpEncoding.Json)));
    }
}

public class TwirpContextTests
{
    [Test]
    public async Task Handler_can_be_unit_tested_with_a_context_built_by_hand()
    {
        using var cancellation = new CancellationTokenSource();
        var context = new TwirpContext(EchoTwirp.Say, cancellationToken: cancellation.Token);
        context.RequestHeaders["Authorization"] = "Bearer x";
        var service = new EchoService(new CallProbe(), new ScopedDependency());

        var response = await service.Say(new EchoRequest { Text = "unit", RepeatCount = 2 }, context);

        Assert.That(response, Is.EqualTo(new EchoResponse { Text = "unit", RepeatCount = 2 }));
        Assert.That(context.ResponseHeaders["X-Echo"].ToString(), Is.EqualTo("yes"));
        Assert.That((context.Package, context.ServiceName, context.MethodName), Is.EqualTo(("twirp.runtime.tests", "Echo", "Say")));
        Assert.That(context.CancellationToken, Is.EqualTo(cancellation.Token));
        Assert.That(context.RequestServices.GetService(typeof(CallProbe)), Is.Null, "an empty provider, never null");
    }
}
