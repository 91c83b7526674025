using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Twirp.Runtime.FaultTests.Protos;

namespace Twirp.Runtime.FaultTests;

/// <summary>Counts the calls in flight, so a test knows when every call it sent has been accepted.</summary>
public sealed class InFlightCalls
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Enter() => Interlocked.Increment(ref _count);

    public void Leave() => Interlocked.Decrement(ref _count);
}

public sealed class FaultService(InFlightCalls inFlight) : FaultBase
{
    public override Task<Node> Echo(Node request, TwirpContext context) => Task.FromResult(request);

    public override async Task<SlowReply> Slow(SlowRequest request, TwirpContext context)
    {
        inFlight.Enter();
        try
        {
            var clock = Stopwatch.StartNew();
            if (request.IgnoreCancellation)
            {
                // Waits for the client to go away (or the delay), then answers anyway.
                try
                {
                    await Task.Delay(request.DelayMs, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
            else
            {
                await Task.Delay(request.DelayMs, context.CancellationToken);
            }
            return new SlowReply { WaitedMs = (int)clock.ElapsedMilliseconds };
        }
        finally
        {
            inFlight.Leave();
        }
    }
}
