using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Twirp.Runtime.Tests.Bare;
using Twirp.Runtime.Tests.Echo;

namespace Twirp.Runtime.Tests;

/// <summary>What the test services saw; a singleton the tests read.</summary>
public sealed class CallProbe
{
    public ConcurrentQueue<string> Events { get; } = new();

    public TwirpContext? LastContext { get; set; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> Canceled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A per-request dependency, to prove the service is activated per call inside the request scope.</summary>
public sealed class ScopedDependency
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>
/// Echoes the request, or acts on a command in <c>text</c>: <c>error:{code}</c> throws that Twirp error,
/// <c>boom</c> throws a plain exception, <c>wait</c> blocks until the probe releases it or the call is
/// canceled, <c>null</c> returns null, <c>scope</c> answers with its scoped dependency's id.
/// </summary>
public sealed class EchoService(CallProbe probe, ScopedDependency scoped) : EchoBase
{
    public override async Task<EchoResponse> Say(EchoRequest request, TwirpContext context)
    {
        probe.LastContext = context;
        probe.Events.Add("handler");
        switch (request.Text)
        {
            case "boom":
                throw new InvalidOperationException("secret detail");
            case "wrapped":
                throw TwirpException.Internal("storage failed", new System.IO.IOException("disk full"));
            case "null":
                return null!;
            case "scope":
                return new EchoResponse { Text = scoped.Id.ToString() };
            case "wait":
                probe.Entered.TrySetResult();
                try
                {
                    await probe.Release.Task.WaitAsync(context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    probe.Canceled.TrySetResult(true);
                    throw;
                }
                return new EchoResponse { Text = "released" };
        }
        if (request.Text.StartsWith("error:", StringComparison.Ordinal))
        {
            TwirpErrorCodes.TryParse(request.Text.Substring("error:".Length), out var code);
            throw new TwirpException(code, "it's " + code.ToWireName()).WithMeta("k", "v");
        }
        context.ResponseHeaders["X-Echo"] = "yes";
        return new EchoResponse { Text = request.Text, RepeatCount = request.RepeatCount };
    }

    [Authorize]
    public override Task<EchoResponse> Whisper(EchoRequest request, TwirpContext context) =>
        Task.FromResult(new EchoResponse { Text = request.Text.ToLowerInvariant() });
}

/// <summary>Answers every ping.</summary>
public sealed class PingerService : PingerBase
{
    public override Task<PingResponse> Ping(PingRequest request, TwirpContext context) =>
        Task.FromResult(new PingResponse { Reply = "pong to " + request.From });
}

/// <summary>Not registered in DI and built by its parameterless constructor; answers with its call's scoped dependency.</summary>
public sealed class ScopeReadingPingerService : PingerBase
{
    public override Task<PingResponse> Ping(PingRequest request, TwirpContext context) =>
        Task.FromResult(new PingResponse { Reply = context.RequestServices.GetRequiredService<ScopedDependency>().Id.ToString() });
}

/// <summary>Registered as a singleton: counts its constructions and calls, and says whether it was disposed.</summary>
public sealed class CountingPingerService : PingerBase, IDisposable
{
    private int _calls;

    public CountingPingerService(CallProbe probe)
    {
        Probe = probe;
        probe.Events.Add("constructed");
    }

    public CallProbe Probe { get; }

    public override Task<PingResponse> Ping(PingRequest request, TwirpContext context) =>
        Task.FromResult(new PingResponse { Reply = "call " + Interlocked.Increment(ref _calls) });

    public void Dispose() => Probe.Events.Add("disposed");
}

internal static class EchoPaths
{
    public const string Say = "/twirp/twirp.runtime.tests.Echo/Say";
    public const string Whisper = "/twirp/twirp.runtime.tests.Echo/Whisper";
}

internal static class CollectionExtensions
{
    public static void Add(this ConcurrentQueue<string> queue, string item) => queue.Enqueue(item);
}
