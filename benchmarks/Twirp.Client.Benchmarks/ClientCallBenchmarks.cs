using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Google.Protobuf;
using Twirp;
using Twirp.Example.Haberdasher;

BenchmarkRunner.Run<ClientCallBenchmarks>(args: args);

/// <summary>
/// The client's per-call cost without a network: one MakeHat through the generated client over an
/// in-memory handler that answers with canned bytes, against the same POST made with HttpClient by hand.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ClientCallBenchmarks
{
    private static readonly Size Request = new() { Inches = 12 };
    private static readonly Uri Url = new("http://hats.test/twirp/twirp.example.haberdasher.Haberdasher/MakeHat");

    private HttpClient _protobufHttp = null!;
    private HaberdasherClient _protobuf = null!;
    private HaberdasherClient _json = null!;
    private HaberdasherClient _withHooksAndInterceptor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var hat = new Hat { Inches = 12, Color = "red", Name = "fedora" };
        _protobufHttp = new HttpClient(new CannedHandler(hat.ToByteArray())) { BaseAddress = new Uri("http://hats.test") };
        var jsonHttp = new HttpClient(new CannedHandler("{\"inches\":12,\"color\":\"red\",\"name\":\"fedora\"}"u8.ToArray())) { BaseAddress = new Uri("http://hats.test") };
        _protobuf = new HaberdasherClient(_protobufHttp);
        _json = new HaberdasherClient(jsonHttp, new TwirpClientOptions { Encoding = TwirpEncoding.Json });
        var options = new TwirpClientOptions { Interceptors = { new PassThrough() } };
        options.Hooks.Add(new TwirpClientHooks { RequestPrepared = static (_, _) => default, ResponseReceived = static (_, _) => default });
        _withHooksAndInterceptor = new HaberdasherClient(_protobufHttp, options);
    }

    [Benchmark(Baseline = true)]
    public async Task<Hat> HttpClientByHand()
    {
        using var content = new ByteArrayContent(Request.ToByteArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/protobuf");
        using var response = await _protobufHttp.PostAsync(Url, content);
        response.EnsureSuccessStatusCode();
        return Hat.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
    }

    [Benchmark]
    public Task<Hat> Protobuf() => _protobuf.MakeHatAsync(Request);

    [Benchmark]
    public Task<Hat> Json() => _json.MakeHatAsync(Request);

    [Benchmark]
    public Task<Hat> ProtobufWithHooksAndInterceptor() => _withHooksAndInterceptor.MakeHatAsync(Request);

    private sealed class CannedHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
    }

    private sealed class PassThrough : TwirpClientInterceptor
    {
        public override Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, context);
    }
}
