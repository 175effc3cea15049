using System.CommandLine;

namespace Siamese.Host.Cli;

/// <summary>One verb of the command line: its arguments and options, and what it runs.</summary>
/// <param name="Run">Runs the verb with its parsed arguments and the tokens left over, which are configuration overrides (<c>--Training:Epochs=5</c>); returns the exit code.</param>
internal sealed record Verb(Command Command, Func<ParseResult, string[], CancellationToken, Task<int>> Run);
