using System;
using System.Threading.Tasks;
using Grpc.Core;

namespace Twirp.Ecosystem.Tests;

/// <summary>
/// Serves a gRPC call with a Twirp handler: the call's cancellation and deadline become the
/// <see cref="TwirpContext"/>'s, a <see cref="TwirpException"/> becomes an <see cref="RpcException"/> with
/// the same code, message, and meta as trailers. The recipe docs/grpc.md shows.
/// </summary>
internal static class GrpcForwarding
{
    public static async Task<TResponse> CallAsync<TRequest, TResponse>(
        TwirpMethod<TRequest, TResponse> method,
        Func<TRequest, TwirpContext, Task<TResponse>> handler,
        TRequest request,
        ServerCallContext context)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>, new()
        where TResponse : class, Google.Protobuf.IMessage<TResponse>, new()
    {
        var twirpContext = new TwirpContext(method, context.CancellationToken)
        {
            Deadline = context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(context.Deadline, TimeSpan.Zero),
        };
        try
        {
            return await handler(request, twirpContext);
        }
        catch (TwirpException error)
        {
            var trailers = new Metadata();
            foreach (var (key, value) in error.Meta)
            {
                trailers.Add(key, value);
            }
            throw new RpcException(new Status(ToStatusCode(error.Code), error.Message), trailers);
        }
    }

    private static StatusCode ToStatusCode(TwirpErrorCode code) => code switch
    {
        TwirpErrorCode.Canceled => StatusCode.Cancelled,
        TwirpErrorCode.InvalidArgument or TwirpErrorCode.Malformed => StatusCode.InvalidArgument,
        TwirpErrorCode.DeadlineExceeded => StatusCode.DeadlineExceeded,
        TwirpErrorCode.NotFound => StatusCode.NotFound,
        TwirpErrorCode.BadRoute or TwirpErrorCode.Unimplemented => StatusCode.Unimplemented,
        TwirpErrorCode.AlreadyExists => StatusCode.AlreadyExists,
        TwirpErrorCode.PermissionDenied => StatusCode.PermissionDenied,
        TwirpErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        TwirpErrorCode.ResourceExhausted => StatusCode.ResourceExhausted,
        TwirpErrorCode.FailedPrecondition => StatusCode.FailedPrecondition,
        TwirpErrorCode.Aborted => StatusCode.Aborted,
        TwirpErrorCode.OutOfRange => StatusCode.OutOfRange,
        TwirpErrorCode.Internal => StatusCode.Internal,
        TwirpErrorCode.Unavailable => StatusCode.Unavailable,
        TwirpErrorCode.DataLoss => StatusCode.DataLoss,
        _ => StatusCode.Unknown,
    };
}
