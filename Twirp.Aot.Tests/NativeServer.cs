using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Twirp.Aot.Tests;

/// <summary>The published native server, started on a free loopback port and stopped (killed) on dispose.</summary>
internal sealed class NativeServer : IAsyncDisposable
{
    private readonly Process _process;

    private NativeServer(Process process, Uri address, Stopwatch sinceStart)
    {
        _process = process;
        Address = address;
        SinceStart = sinceStart;
    }

    public Uri Address { get; }

    /// <summary>Started with the process: the cold start to a first answer, read after the first call.</summary>
    public Stopwatch SinceStart { get; }

    public static async Task<NativeServer> StartAsync(string binary)
    {
        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                if (line is null)
                {
                    throw new InvalidOperationException("the native server exited: " + await process.StandardError.ReadToEndAsync());
                }
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    return new NativeServer(process, new Uri(line.Substring("listening ".Length)), stopwatch);
                }
            }
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
