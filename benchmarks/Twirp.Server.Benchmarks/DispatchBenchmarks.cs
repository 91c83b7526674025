using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Twirp;
using Twirp.Example.Haberdasher;

BenchmarkRunner.Run<DispatchBenchmarks>(args: args);

/// <summary>
/// The server's per-call cost without HTTP: one MakeHat call through the transport-neutral dispatcher
/// (hooks, decode, activation, handler, encode) over an in-memory exchange that reuses its buffers.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class DispatchBenchmarks
{
    private TwirpServiceDispatcher _dispatcher = null!;
    private ServiceProvider _services = null!;
    private TwirpMethod _method = null!;
    private ReusableExchange _protobuf = null!;
    private ReusableExchange _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection().AddSingleton<Hatter>();
        services.AddTwirp();
        _services = services.BuildServiceProvider();
        _dispatcher = TwirpServiceDispatcher.Create<Hatter>(_services);
        _method = _dispatcher.FindMethod("MakeHat")!;
        _protobuf = new ReusableExchange(new Size { Inches = 12 }.ToByteArray(), TwirpEncoding.Protobuf);
        _json = new ReusableExchange("{\"inches\":12}"u8.ToArray(), TwirpEncoding.Json);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task Protobuf() => Dispatch(_protobuf);

    [Benchmark]
    public Task Json() => Dispatch(_json);

    private Task Dispatch(ReusableExchange exchange)
    {
        exchange.Reset();
        return _dispatcher.DispatchAsync(new TwirpContext(_method) { RequestServices = _services }, exchange);
    }

    public sealed class Hatter : HaberdasherBase
    {
        private static readonly Task<Hat> Hat = Task.FromResult(new Hat { Inches = 12, Color = "red", Name = "fedora" });

        public override Task<Hat> MakeHat(Size request, TwirpContext context) => Hat;
    }

    private sealed class ReusableExchange(byte[] request, TwirpEncoding encoding) : ITwirpServerExchange
    {
        private readonly ArrayBufferWriter<byte> _response = new(256);

        public void Reset() => _response.ResetWrittenCount();

        public TwirpException? CheckRequest(TwirpContext context)
        {
            context.Encoding = encoding;
            return null;
        }

        public ValueTask<ReadOnlySequence<byte>> ReadRequestAsync(long? maxSize, CancellationToken cancellationToken) => new(new ReadOnlySequence<byte>(request));

        public void ReleaseRequest()
        {
        }

        public bool HasStarted => false;

        public void StartResponse(TwirpEncoding responseEncoding, int contentLength)
        {
        }

        public IBufferWriter<byte> ResponseBody => _response;

        public ValueTask CompleteResponseAsync(CancellationToken cancellationToken) => default;

        public ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken) => throw error;

        public bool IsDeadlineExceeded => false;

        public void Abort()
        {
        }
    }
}
