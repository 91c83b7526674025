using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Twirp.Testing.Tests.Probe;

namespace Twirp.Testing.Tests;

/// <summary>The service under test; its scoped dependency tells calls' DI scopes apart.</summary>
public sealed class ProbeService(CallScope scope, CallObserver observer) : ProbeBase
{
    public override Task<EchoReply> Echo(EchoRequest request, TwirpContext context) => Task.FromResult(new EchoReply
    {
        Text = request.Text,
        ProbeHeader = context.RequestHeaders["X-Probe"].ToString(),
        ScopeId = scope.Id,
        HasHttpContext = context.GetHttpContext() is not null,
    });

    public override Task<EchoReply> Fail(FailRequest request, TwirpContext context)
    {
        if (request.Code == "exception")
        {
            throw new InvalidOperationException(request.Message);
        }
        if (!TwirpErrorCodes.TryParse(request.Code, out var code))
        {
            throw new ArgumentException("not a Twirp code: " + request.Code);
        }
        throw new TwirpException(code, request.Message, new Dictionary<string, string>(request.Meta));
    }

    public override async Task<EchoReply> Wait(EchoRequest request, TwirpContext context)
    {
        observer.WaitEntered.TrySetResult(scope);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return new EchoReply();
    }
}

/// <summary>Scoped: one per call, disposed with the call's scope.</summary>
public sealed class CallScope : IDisposable
{
    private static int s_lastId;

    public int Id { get; } = Interlocked.Increment(ref s_lastId);

    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

/// <summary>Singleton: what the tests wait for on the server side.</summary>
public sealed class CallObserver
{
    /// <summary>Set, with the call's scope, when <see cref="ProbeService.Wait"/> starts waiting.</summary>
    public TaskCompletionSource<CallScope> WaitEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set, with the call's error code or "ok", when a call's ResponseSent hook runs.</summary>
    public TaskCompletionSource<string> Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
