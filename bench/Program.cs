using BenchmarkDotNet.Running;

if (!Siamese.Bench.ConsoleMode.TryRun(args))
{
    BenchmarkSwitcher.FromAssembly(typeof(Siamese.Bench.BenchConfig).Assembly).Run(args, new Siamese.Bench.BenchConfig());
}
