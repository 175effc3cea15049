using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Siamese.Host.Tests;

/// <summary>
/// Runs the real host (Siamese.Host.dll beside the tests) as a child process in a temporary product home whose
/// appsettings.json is the repository's with Data:Directory pointing at the repository's MNIST folder (fetched
/// there by the first run that needs it).
/// </summary>
internal sealed class HostProcess : IDisposable
{
    public HostProcess(Action<JsonObject>? configure = null)
    {
        Home = Directory.CreateTempSubdirectory("siamese-home-").FullName;
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "appsettings.json")))!.AsObject();
        settings["Data"]!["Directory"] = Path.Combine(RepositoryRoot, "data", "mnist");
        configure?.Invoke(settings);
        File.WriteAllText(Path.Combine(Home, "appsettings.json"), settings.ToJsonString());
    }

    public string Home { get; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public record Result(int ExitCode, string Output, TimeSpan Elapsed);

    /// <summary>Environment variables every process this host starts gets (e.g. a failpoint).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Home,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Siamese.Host.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SIAMESE_HOME"] = Home;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    public Result Run(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        return Collect(process, timeout);
    }

    public static Result Collect(Process process, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"host did not exit within {timeout}: {stdout.Result}{stderr.Result}");
        }

        output.Append(stdout.Result).Append(stderr.Result);
        return new Result(process.ExitCode, output.ToString(), clock.Elapsed);
    }

    /// <summary>Sends SIGTERM (what `kill`, systemd and Docker send) or SIGINT (Ctrl-C).</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Starts the host, waits until its <c>pause-at</c> failpoint says it has paused, sends <paramref name="signal"/> (TERM, INT, KILL) and collects its exit.</summary>
    /// <remarks>Both streams are read on pool threads: xUnit's synchronisation context would hold their completions back while this thread waits.</remarks>
    public Result SignalWhenPaused(TimeSpan limit, string signal, params string[] args)
    {
        using var process = Start(args);
        var clock = Stopwatch.StartNew();
        var stderr = new StringBuilder();
        using var paused = new ManualResetEventSlim();
        var stdout = Task.Run(() => process.StandardOutput.ReadToEnd());
        var errors = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardError.ReadLine()) is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }

                if (line.StartsWith("failpoint: paused at", StringComparison.Ordinal))
                {
                    paused.Set();
                }
            }
        });

        bool reached = WaitHandle.WaitAny([paused.WaitHandle, ((IAsyncResult)errors).AsyncWaitHandle], limit) == 0 && paused.IsSet;
        if (reached)
        {
            Signal(process, signal);
        }

        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
        }

        errors.Wait(limit);
        var output = stdout.Result + stderr;
        Assert.True(reached, $"the program ended before its failpoint:\n{output}");
        Assert.True(process.HasExited, $"no exit within {limit} of SIG{signal}:\n{output}");
        return new Result(process.ExitCode, output, clock.Elapsed);
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Siamese.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Siamese.sln not found above " + AppContext.BaseDirectory);
    }
}
