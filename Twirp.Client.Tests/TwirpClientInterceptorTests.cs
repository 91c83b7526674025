using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Example.Haberdasher;

namespace Twirp.Client.Tests;

public class TwirpClientInterceptorTests
{
    private static readonly Hat Fedora = new() { Inches = 12, Color = "red", Name = "fedora" };

    [Test]
    public async Task Interceptors_run_outermost_first_around_the_http_call()
    {
        var log = new List<string>();
        var handler = new RecordingHandler(_ =>
        {
            log.Add("http");
            return RecordingHandler.Protobuf(Fedora);
        });
        var options = new TwirpClientOptions { Interceptors = { new Logging("outer", log), new Logging("inner", log) } };
        var client = new HaberdasherClient(handler.CreateClient(), options);

        await client.MakeHatAsync(new Size());

        Assert.That(log, Is.EqualTo(new[] { "outer>", "inner>", "http", "inner<", "outer<" }));
    }

    [Test]
    public async Task Interceptor_sees_the_method_metadata_and_can_add_request_headers()
    {
        TwirpMethod? seen = null;
        var handler = RecordingHandler.Returning(Fedora);
        var options = new TwirpClientOptions
        {
            Interceptors =
            {
                new Delegating((request, context, continuation) =>
                {
                    seen = context.Method;
                    context.RequestHeaders["X-Trace"] = "abc";
                    return continuation(request, context);
                }),
            },
        };
        var client = new HaberdasherClient(handler.CreateClient(), options);

        await client.MakeHatAsync(new Size(), new TwirpCallOptions { Headers = { ["X-Caller"] = "test" } });

        Assert.That(seen, Is.SameAs(HaberdasherTwirp.MakeHat));
        Assert.That(handler.Single.Headers["X-Trace"], Is.EqualTo("abc"));
        Assert.That(handler.Single.Headers["X-Caller"], Is.EqualTo("test"));
    }

    [Test]
    public async Task Interceptor_can_retry_by_calling_the_continuation_again()
    {
        var attempts = 0;
        var handler = new RecordingHandler(_ => ++attempts == 1
            ? RecordingHandler.Status(503, "{\"code\":\"unavailable\",\"msg\":\"busy\"}", "application/json")
            : RecordingHandler.Protobuf(Fedora));
        var client = new HaberdasherClient(handler.CreateClient(), new TwirpClientOptions { Interceptors = { new RetryOnceWhenUnavailable() } });

        var hat = await client.MakeHatAsync(new Size { Inches = 3 });

        Assert.That(hat, Is.EqualTo(Fedora));
        Assert.That(handler.Requests.Count, Is.EqualTo(2));
        Assert.That(handler.Requests.Select(r => Size.Parser.ParseFrom(r.Body).Inches), Is.All.EqualTo(3), "each attempt sends the request again");
    }

    [Test]
    public async Task Interceptor_can_answer_without_calling_the_server()
    {
        var handler = RecordingHandler.Returning(Fedora);
        var cached = new Hat { Name = "cached" };
        var options = new TwirpClientOptions { Interceptors = { new Delegating((_, _, _) => Task.FromResult<object>(cached)) } };
        var client = new HaberdasherClient(handler.CreateClient(), options);

        Assert.That(await client.MakeHatAsync(new Size()), Is.SameAs(cached));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task Hooks_see_the_prepared_request_and_the_received_response()
    {
        var events = new List<string>();
        var handler = RecordingHandler.Returning(Fedora);
        var options = new TwirpClientOptions();
        options.Hooks.Add(new TwirpClientHooks
        {
            RequestPrepared = async (context, request) =>
            {
                await Task.Yield();
                events.Add($"prepared {context.Method.Name} {request.Content!.Headers.ContentType}");
                request.Headers.Add("X-From-Hook", "1");
            },
            ResponseReceived = (context, response) => Record(events, $"received {(int)response.StatusCode}"),
            Error = (_, error) => Record(events, "error " + error.Code),
        });
        options.Hooks.Add(new TwirpClientHooks { ResponseReceived = (_, _) => Record(events, "second hooks received") });
        var client = new HaberdasherClient(handler.CreateClient(), options);

        await client.MakeHatAsync(new Size());

        Assert.That(events, Is.EqualTo(new[] { "prepared MakeHat application/protobuf", "received 200", "second hooks received" }));
        Assert.That(handler.Single.Headers["X-From-Hook"], Is.EqualTo("1"));
    }

    [Test]
    public void Error_hook_receives_the_exception_the_call_throws_and_response_hook_is_not_called()
    {
        TwirpException? hooked = null;
        var responses = 0;
        var handler = new RecordingHandler(_ => RecordingHandler.Status(404, "{\"code\":\"not_found\",\"msg\":\"no hat\"}", "application/json"));
        var options = new TwirpClientOptions();
        options.Hooks.Add(new TwirpClientHooks
        {
            Error = (_, error) => { hooked = error; return default; },
            ResponseReceived = (_, _) => { responses++; return default; },
        });
        var client = new HaberdasherClient(handler.CreateClient(), options);

        var thrown = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size()));

        Assert.That(hooked, Is.SameAs(thrown));
        Assert.That(responses, Is.Zero);
    }

    [Test]
    public async Task Hooks_added_to_the_options_after_the_client_was_created_do_not_affect_it()
    {
        var calls = 0;
        var options = new TwirpClientOptions();
        var client = new HaberdasherClient(RecordingHandler.Returning(Fedora).CreateClient(), options);
        options.Hooks.Add(new TwirpClientHooks { RequestPrepared = (_, _) => { calls++; return default; } });

        await client.MakeHatAsync(new Size());

        Assert.That(calls, Is.Zero);
    }

    [Test]
    public async Task Concurrent_calls_on_one_client_each_get_their_own_response()
    {
        var handler = new RecordingHandler(request =>
        {
            var size = Size.Parser.ParseFrom(request.Body);
            return RecordingHandler.Protobuf(new Hat { Inches = size.Inches, Name = request.Headers["X-Call"] });
        });
        var client = new HaberdasherClient(handler.CreateClient(), new TwirpClientOptions { Interceptors = { new Logging("any", new List<string>(), threadSafe: true) } });

        var hats = await Task.WhenAll(Enumerable.Range(1, 200).Select(i =>
            client.MakeHatAsync(new Size { Inches = i }, new TwirpCallOptions { Headers = { ["X-Call"] = "call" + i } })));

        Assert.That(hats.Select(h => (h.Inches, h.Name)), Is.EqualTo(Enumerable.Range(1, 200).Select(i => (i, "call" + i))));
    }

    private static ValueTask Record(List<string> events, string text)
    {
        events.Add(text);
        return default;
    }

    private sealed class Logging(string name, List<string> log, bool threadSafe = false) : TwirpClientInterceptor
    {
        public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation)
        {
            if (!threadSafe)
            {
                log.Add(name + ">");
            }
            var response = await continuation(request, context);
            if (!threadSafe)
            {
                log.Add(name + "<");
            }
            return response;
        }
    }

    private sealed class RetryOnceWhenUnavailable : TwirpClientInterceptor
    {
        public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation)
        {
            try
            {
                return await continuation(request, context);
            }
            catch (TwirpException error) when (error.Code == TwirpErrorCode.Unavailable)
            {
                return await continuation(request, context);
            }
        }
    }

    /// <summary>An interceptor from a lambda over untyped messages, for tests.</summary>
    private sealed class Delegating(Func<object, TwirpClientCallContext, Func<object, TwirpClientCallContext, Task<object>>, Task<object>> intercept) : TwirpClientInterceptor
    {
        public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation) =>
            (TResponse)await intercept(request, context, async (r, c) => await continuation((TRequest)r, c));
    }
}
