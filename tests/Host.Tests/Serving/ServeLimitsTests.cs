using System.Net;
using System.Text;
using System.Text.Json;

namespace Siamese.Host.Tests.Serving;

/// <summary>
/// The concurrency limit and the time limit, reached by events the test controls: requests are held at the scoring gate
/// (holding their permit) until the test opens it, so nothing depends on how fast the machine is.
/// </summary>
public sealed class ServeLimitsTests
{
    /// <summary>A watchdog, not a measurement: a limit that never answers fails the test instead of hanging it.</summary>
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(60);

    private static StringContent Pair() => new(JsonSerializer.Serialize(new { left = new int[784], right = Enumerable.Repeat(255, 784) }), Encoding.UTF8, "application/json");

    [Fact]
    public async Task TooManyConcurrentRequests_429WithAProblemWhileTheFirstIsScored()
    {
        var gate = new HeldGate();
        using var factory = new ServeFactory(new Dictionary<string, string?>
        {
            ["Serve:MaxConcurrentRequests"] = "1",
            ["Serve:QueueLimit"] = "0",
            ["Serve:RequestTimeoutSeconds"] = "3600",
        }, gate);
        using var client = factory.CreateClient();

        var first = client.PostAsync("/api/similarity", Pair());
        await gate.ArrivedAsync().WaitAsync(Watchdog);
        var second = await client.PostAsync("/api/similarity", Pair()).WaitAsync(Watchdog);

        await ServeApiTests.AssertProblem(second, HttpStatusCode.TooManyRequests, "Serve:MaxConcurrentRequests");
        Assert.Equal("1", second.Headers.RetryAfter?.ToString());
        gate.Open();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/similarity", Pair())).StatusCode);
    }

    [Fact]
    public async Task RequestOverTheTimeLimit_503WithAProblem()
    {
        var gate = new HeldGate();
        using var factory = new ServeFactory(new Dictionary<string, string?> { ["Serve:RequestTimeoutSeconds"] = "0.2" }, gate);
        using var client = factory.CreateClient();

        // The gate never opens for this request: only the time limit can answer it.
        var held = await client.PostAsync("/api/similarity", Pair()).WaitAsync(Watchdog);

        await ServeApiTests.AssertProblem(held, HttpStatusCode.ServiceUnavailable, "Serve:RequestTimeoutSeconds");
    }
}
