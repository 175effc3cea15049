using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Siamese.Bench.BenchConfig).Assembly).Run(args, new Siamese.Bench.BenchConfig());
