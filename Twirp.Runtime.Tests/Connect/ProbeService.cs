using System;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>
/// Answers by <c>command</c>: empty echoes the payload; <c>error:{code}</c> throws that error with a
/// detail and metadata; <c>wait</c> waits for the call's cancellation; <c>metadata</c> sets a header and
/// trailers; <c>binary</c> echoes the <c>X-Data-Bin</c> header's bytes as the payload and as
/// <c>X-Reply-Bin</c>; <c>big</c> answers <c>size</c> compressible bytes; <c>deadline</c> notes the
/// context's deadline; <c>stubborn</c> works <c>size</c> ms ignoring its token, then notes whether the token
/// fired. Every answer names the protocol the context reports.
/// </summary>
public sealed class ProbeService : ProbeBase
{
    public override Task<ProbeResponse> Query(ProbeRequest request, TwirpContext context) => AnswerAsync(request, context);

    public override Task<ProbeResponse> Update(ProbeRequest request, TwirpContext context) => AnswerAsync(request, context);

    private static async Task<ProbeResponse> AnswerAsync(ProbeRequest request, TwirpContext context)
    {
        var response = new ProbeResponse { Command = request.Command, Payload = request.Payload, Protocol = context.Protocol.ToString() };
        switch (request.Command)
        {
            case "wait":
                await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken);
                break;
            case "metadata":
                context.ResponseHeaders["X-Header"] = "h";
                context.ResponseTrailers["X-Trailer"] = new[] { "t1", "t2" };
                break;
            case "binary":
                var bytes = context.RequestHeaders.GetBinaryValue("X-Data-Bin") ?? [];
                context.ResponseHeaders.SetBinaryValue("X-Reply-Bin", bytes);
                response.Payload = ByteString.CopyFrom(bytes);
                break;
            case "big":
                response.Payload = ByteString.CopyFrom(new byte[request.Size]);
                break;
            case "stubborn":
                await Task.Delay(request.Size, CancellationToken.None);
                response.Note = context.CancellationToken.IsCancellationRequested ? "token fired" : "token quiet";
                break;
            case "deadline":
                response.Note = context.Deadline is { } deadline ? (deadline - DateTimeOffset.UtcNow).TotalMilliseconds.ToString("F0") : "none";
                break;
            default:
                if (request.Command.StartsWith("error:", StringComparison.Ordinal))
                {
                    context.ResponseTrailers["X-Trailer"] = "on-error";
                    TwirpErrorCodes.TryParse(request.Command.Substring("error:".Length), out var code);
                    throw new TwirpException(code, "it's " + code.ToWireName())
                        .WithMeta("k", "v")
                        .WithDetails(new StringValue { Value = "detail" });
                }
                break;
        }
        return response;
    }
}
