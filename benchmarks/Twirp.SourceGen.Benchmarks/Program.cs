using BenchmarkDotNet.Running;

namespace Twirp.SourceGen.Benchmarks;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
