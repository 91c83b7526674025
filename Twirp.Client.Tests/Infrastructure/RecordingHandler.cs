using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;

namespace Twirp.Client.Tests.Infrastructure;

/// <summary>A request as the handler saw it, copied before the client disposes it.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ContentType, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>An in-memory HTTP endpoint: records each request and answers with a canned response.</summary>
public sealed class RecordingHandler(Func<RecordedRequest, HttpResponseMessage> respond) : HttpMessageHandler
{
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public RecordedRequest Single => Requests.Single();

    public static RecordingHandler Returning(IMessage message) =>
        new(_ => Protobuf(message));

    public static HttpResponseMessage Protobuf(IMessage message) => new(HttpStatusCode.OK)
    {
        Content = new ByteArrayContent(message.ToByteArray()) { Headers = { { "Content-Type", TwirpContentTypes.Protobuf } } },
    };

    public static HttpResponseMessage Status(int status, string body, string contentType = "text/plain") => new((HttpStatusCode)status)
    {
        Content = new StringContent(body, System.Text.Encoding.UTF8, contentType),
    };

    public HttpClient CreateClient(string baseAddress = "http://twirp.test") => new(this) { BaseAddress = new Uri(baseAddress) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), headers, body);
        Requests.Enqueue(recorded);
        return respond(recorded);
    }
}
