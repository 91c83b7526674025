using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Example.Haberdasher;
using Twirp.Testing.Tests.Probe;

namespace Twirp.Testing.Tests;

public class InMemoryServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The container a test serves Probe from: the scopes it creates, a log the hooks and interceptors write to.</summary>
    private sealed class Setup
    {
        public List<string> Log { get; } = [];

        public List<CallScope> Scopes { get; } = [];

        public CallObserver Observer { get; } = new();

        public ServiceProvider Build(Action<TwirpOptions>? configure = null)
        {
            var services = new ServiceCollection()
                .AddSingleton(Observer)
                .AddScoped(_ =>
                {
                    var scope = new CallScope();
                    lock (Scopes)
                    {
                        Scopes.Add(scope);
                    }
                    return scope;
                });
            services.AddTwirp(options =>
            {
                options.Hooks.Add(RecordingHooks(Log, Observer));
                options.Interceptors.Add(new RecordingInterceptor("server", Log));
                configure?.Invoke(options);
            });
            return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        }
    }

    [Test]
    public async Task An_in_memory_call_runs_client_interceptors_server_hooks_and_interceptors_in_order_without_http()
    {
        var setup = new Setup();
        await using var services = setup.Build();
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var client = server.CreateClient<ProbeClient>(options => options.Interceptors.Add(new RecordingClientInterceptor(setup.Log)));

        var reply = await client.EchoAsync(new EchoRequest { Text = "hi" }, new TwirpCallOptions { Headers = { ["X-Probe"] = "from the caller" } });

        Assert.That(reply.Text, Is.EqualTo("hi"));
        Assert.That(reply.ProbeHeader, Is.EqualTo("from the caller"), "call options' headers are the handler's request headers");
        Assert.That(reply.HasHttpContext, Is.False);
        Assert.That(setup.Log, Is.EqualTo(new[]
        {
            "client:before", "received", "routed:Protobuf", "server:before Echo", "server:after Echo", "prepared", "sent:ok", "client:after",
        }));
    }

    [Test]
    public async Task Each_call_gets_its_own_di_scope_disposed_when_the_call_ends()
    {
        var setup = new Setup();
        await using var services = setup.Build();
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var client = server.CreateClient<ProbeClient>();

        var first = await client.EchoAsync(new EchoRequest { Text = "1" });
        var second = await client.EchoAsync(new EchoRequest { Text = "2" });

        Assert.That(setup.Scopes.Select(s => s.Id), Is.EqualTo(new[] { first.ScopeId, second.ScopeId }));
        Assert.That(first.ScopeId, Is.Not.EqualTo(second.ScopeId));
        Assert.That(setup.Scopes.Select(s => s.Disposed), Is.All.True);
    }

    [Test]
    public async Task A_json_client_is_answered_in_json_with_the_services_json_options()
    {
        var setup = new Setup();
        await using var services = setup.Build(options => options.Json = new TwirpJsonOptions { UseProtoNames = false, EmitDefaultValues = false });
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var client = server.CreateClient<ProbeClient>(options => options.Encoding = TwirpEncoding.Json);

        var reply = await client.EchoAsync(new EchoRequest { Text = "json" }, new TwirpCallOptions { Headers = { ["X-Probe"] = "p" } });

        Assert.That(reply.Text, Is.EqualTo("json"));
        Assert.That(reply.ProbeHeader, Is.EqualTo("p"), "probeHeader, the camelCase name, is read back");
        Assert.That(setup.Log, Does.Contain("routed:Json"));
    }

    [Test]
    public async Task A_service_instance_is_served_with_its_own_container_and_options()
    {
        var log = new List<string>();
        var observer = new CallObserver();
        var service = new ProbeService(new CallScope(), observer);
        await using var server = TwirpInMemoryServer.Create(service, options =>
        {
            options.Hooks.Add(RecordingHooks(log, observer));
            options.Interceptors.Add(new RecordingInterceptor("server", log));
        });
        var client = server.CreateClient<ProbeClient>();

        var first = await client.EchoAsync(new EchoRequest { Text = "a" });
        var second = await client.EchoAsync(new EchoRequest { Text = "b" });

        Assert.That((first.Text, second.Text), Is.EqualTo(("a", "b")));
        Assert.That(first.ScopeId, Is.EqualTo(second.ScopeId), "the one instance serves every call");
        Assert.That(log.Count(entry => entry == "server:before Echo"), Is.EqualTo(2));
        Assert.That(server.Services.GetRequiredService<ProbeService>(), Is.SameAs(service));
    }

    /// <summary>
    /// The same failing calls, in memory and over HTTP (ASP.NET Core's TestServer, the whole HTTP
    /// binding): the caller sees the same error either way.
    /// </summary>
    [Test]
    public async Task Errors_reach_the_caller_as_the_same_twirp_exceptions_as_over_http()
    {
        var setup = new Setup();
        Action<TwirpOptions> configure = options =>
        {
            options.MaxRequestBodySize = 64;
            options.Interceptors.Add(new DenyingInterceptor());
        };
        await using var services = setup.Build(configure);
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var inMemory = server.CreateClient<ProbeClient>();
        await using var app = await StartHttpAppAsync(configure);
        var overHttp = new ProbeClient(app.GetTestClient());

        var calls = new (string Name, Func<ProbeClient, Task> Call)[]
        {
            ("twirp error with meta", c => c.FailAsync(new FailRequest { Code = "not_found", Message = "no such hat", Meta = { ["hat_id"] = "7" } })),
            ("handler exception", c => c.FailAsync(new FailRequest { Code = "exception", Message = "secret detail" })),
            ("body over the limit", c => c.EchoAsync(new EchoRequest { Text = new string('x', 100) })),
            ("rejected by an interceptor", c => c.EchoAsync(new EchoRequest { Text = "deny" })),
        };
        foreach (var (name, call) in calls)
        {
            var expected = Assert.ThrowsAsync<TwirpException>(() => call(overHttp))!;
            var actual = Assert.ThrowsAsync<TwirpException>(() => call(inMemory))!;

            Assert.That((actual.Code, actual.Message, actual.Meta), Is.EqualTo((expected.Code, expected.Message, expected.Meta)), name);
            Assert.That(actual.InnerException, Is.Null, name + ": the server's exception stays on the server");
        }
        Assert.That(Assert.ThrowsAsync<TwirpException>(() => calls[1].Call(inMemory))!.Message, Is.EqualTo("Internal error"));
    }

    [Test]
    public async Task Detailed_errors_show_the_handlers_exception_in_the_message()
    {
        var setup = new Setup();
        await using var services = setup.Build(options => options.EnableDetailedErrors = true);
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var client = server.CreateClient<ProbeClient>();

        var error = Assert.ThrowsAsync<TwirpException>(() => client.FailAsync(new FailRequest { Code = "exception", Message = "broken handler" }))!;

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Message, Does.Contain("InvalidOperationException: broken handler"));
    }

    [Test]
    public async Task Cancelling_the_call_cancels_the_handler_and_the_caller_gets_an_OperationCanceledException()
    {
        var setup = new Setup();
        await using var services = setup.Build();
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var client = server.CreateClient<ProbeClient>();
        using var cancellation = new CancellationTokenSource();

        var call = client.WaitAsync(new EchoRequest(), cancellation.Token);
        var scope = await setup.Observer.WaitEntered.Task.WaitAsync(Timeout);
        await cancellation.CancelAsync();

        Assert.That(async () => await call.WaitAsync(Timeout), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await setup.Observer.Sent.Task.WaitAsync(Timeout), Is.EqualTo("canceled"), "the server side answered canceled");
        Assert.That(setup.Log, Does.Contain("error:canceled"));
        Assert.That(setup.Scopes, Is.EqualTo(new[] { scope }));
    }

    [Test]
    public async Task A_call_past_its_timeout_fails_with_deadline_exceeded_and_cancels_the_handler()
    {
        var setup = new Setup();
        await using var services = setup.Build();
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var client = server.CreateClient<ProbeClient>(options => options.Timeout = TimeSpan.FromMilliseconds(100));

        var error = Assert.ThrowsAsync<TwirpException>(() => client.WaitAsync(new EchoRequest()))!;

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.DeadlineExceeded));
        Assert.That(error.Message, Is.EqualTo("the call did not complete within its timeout of 100 ms"));
        Assert.That(await setup.Observer.Sent.Task.WaitAsync(Timeout), Is.EqualTo("deadline_exceeded"), "the handler's token fired and the server answered deadline_exceeded");
    }

    [Test]
    public async Task A_call_with_a_cancelled_token_never_reaches_the_service()
    {
        var setup = new Setup();
        await using var services = setup.Build();
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);
        var client = server.CreateClient<ProbeClient>();

        Assert.That(async () => await client.EchoAsync(new EchoRequest(), new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(setup.Log, Is.Empty);
    }

    [Test]
    public async Task A_client_of_another_service_or_with_http_hooks_is_refused()
    {
        var setup = new Setup();
        await using var services = setup.Build();
        await using var server = TwirpInMemoryServer.Create<ProbeService>(services);

        Assert.That(() => server.CreateClient<HaberdasherClient>(),
            Throws.InvalidOperationException.With.Message.EqualTo("HaberdasherClient is a client of twirp.example.haberdasher.Haberdasher, but this in-memory server serves twirp.testing.tests.Probe."));
        Assert.That(() => server.CreateClient<ProbeClient>(options => options.Hooks.Add(new TwirpClientHooks())),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("use a TwirpClientInterceptor"));
    }

    private static async Task<WebApplication> StartHttpAppAsync(Action<TwirpOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<CallObserver>().AddScoped<CallScope>();
        builder.Services.AddTwirp(configure);
        var app = builder.Build();
        app.MapTwirp<ProbeService>();
        await app.StartAsync();
        return app;
    }

    private static TwirpHooks RecordingHooks(List<string> log, CallObserver observer) => new()
    {
        RequestReceived = context => Record(log, "received"),
        RequestRouted = context => Record(log, "routed:" + context.Encoding),
        ResponsePrepared = context => Record(log, "prepared"),
        Error = (context, error) => Record(log, "error:" + error.Code.ToWireName()),
        ResponseSent = context =>
        {
            var outcome = context.Error?.Code.ToWireName() ?? "ok";
            observer.Sent.TrySetResult(outcome);
            return Record(log, "sent:" + outcome);
        },
    };

    private static ValueTask Record(List<string> log, string entry)
    {
        lock (log)
        {
            log.Add(entry);
        }
        return default;
    }

    private sealed class RecordingInterceptor(string name, List<string> log) : TwirpInterceptor
    {
        public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation)
        {
            await Record(log, $"{name}:before {context.MethodName}");
            var response = await continuation(request, context);
            await Record(log, $"{name}:after {context.MethodName}");
            return response;
        }
    }

    private sealed class DenyingInterceptor : TwirpInterceptor
    {
        public override Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation) =>
            request is EchoRequest { Text: "deny" }
                ? throw TwirpException.PermissionDenied("denied by the interceptor").WithMeta("rule", "no-deny")
                : continuation(request, context);
    }

    private sealed class RecordingClientInterceptor(List<string> log) : TwirpClientInterceptor
    {
        public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation)
        {
            await Record(log, "client:before");
            var response = await continuation(request, context);
            await Record(log, "client:after");
            return response;
        }
    }
}
