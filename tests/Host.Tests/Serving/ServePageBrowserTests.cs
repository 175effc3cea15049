using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Siamese.Host.Tests.Commands;

namespace Siamese.Host.Tests.Serving;

/// <summary>
/// The page in a real browser: the real program serves a model (<c>serve --urls http://127.0.0.1:0</c>), Debian's
/// Chromium (driven by Playwright) draws a digit with mouse moves, and the page must show what the API answers for the
/// very picture it sent: the same 28×28 image given to the model, the same answer, the same top match and similarity;
/// then a second drawing, titled as the tutorial titles a pair; the runs view lists the run. SIGTERM then stops the
/// server with exit code 130.
/// </summary>
/// <remarks>
/// <c>SIAMESE_SCREENSHOT=docs/images/serve.png</c> (with <c>SIAMESE_SCREENSHOT_MODEL=runs/&lt;folder&gt;</c> for a
/// trained model instead of the tiny one made here) saves the page as the test leaves it: the documentation's picture.
/// </remarks>
public sealed partial class ServePageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task DrawnDigit_PageShowsWhatTheApiAnswersForThatPicture()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        using var host = new HostProcess();
        var tiny = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(tiny);
        var model = Environment.GetEnvironmentVariable("SIAMESE_SCREENSHOT_MODEL") is { Length: > 0 } trained
            ? Path.GetFullPath(trained, HostProcess.RepositoryRoot)
            : tiny;

        using var server = host.Start("serve", "--model", model, "--urls", "http://127.0.0.1:0");
        try
        {
            var (address, remainder) = await ListeningAddress(server);
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1200 } });
            await page.GotoAsync(address);
            await page.WaitForSelectorAsync("body[data-ready=true]");

            // Draw a 7; the API is then asked about the very picture on the canvas, as the page sends it (a PNG).
            var sent = await page.RunAndWaitForRequestAsync(() => Draw(page, "#draw", [(60, 60), (210, 60), (120, 240)]), r => r.Url.Contains("/api/identify", StringComparison.Ordinal));
            await page.WaitForFunctionAsync("document.querySelectorAll('#matches li').length === 8 && document.querySelector('#answer').textContent !== '–'");
            var picture = await CanvasPng(page, "#draw");

            var query = new Uri(sent.Url).Query;
            var identify = await Post(http, "/api/identify" + query, picture);
            var search = await Post(http, "/api/search" + query, picture);
            var top = search["matches"]![0]!;

            Assert.Equal((string)identify["answer"]!, await page.TextContentAsync("#answer"));
            var first = page.Locator("#matches li").First;
            Assert.Equal((int)top["index"]!, int.Parse((await first.GetAttributeAsync("data-index"))!, CultureInfo.InvariantCulture));
            Assert.Equal((string)top["class"]!, await first.Locator(".match-class").TextContentAsync());
            Assert.Equal((string)top["id"]!, await first.Locator(".match-id").TextContentAsync());
            AssertShows((double)top["similarity"]!, (await first.Locator(".match-similarity").TextContentAsync())!);
            var given = identify["given"]!.AsArray().Select(p => (int)p!).ToArray();
            Assert.Equal(given, await ShownPixels(page, "#given"));

            // A second drawing: the tutorial's title, with the similarity the API gives the two images.
            await page.RunAndWaitForResponseAsync(() => Draw(page, "#draw2", [(140, 40), (140, 240)]), r => r.Url.Contains("/api/similarity", StringComparison.Ordinal));
            await page.WaitForFunctionAsync("document.querySelector('#compare-title').textContent.includes('similarity :')");
            var second = await ShownPixels(page, "#given-b");
            var pair = await PostJson(http, "/api/similarity", new { left = given, right = second });
            var title = TitleFormat().Match((await page.TextContentAsync("#compare-title"))!);
            Assert.True(title.Success, await page.TextContentAsync("#compare-title"));
            Assert.Equal(((float)pair["similarity"]!).ToString("F3", CultureInfo.InvariantCulture), title.Groups["similarity"].Value);

            if (Environment.GetEnvironmentVariable("SIAMESE_SCREENSHOT") is { Length: > 0 } screenshot)
            {
                await page.ScreenshotAsync(new() { Path = Path.GetFullPath(screenshot, HostProcess.RepositoryRoot), FullPage = true });
            }

            // The runs view lists the product home's run folders; choosing one shows it.
            await page.ClickAsync("button.tab[data-tab=runs]");
            await page.ClickAsync("#runs tbody tr[data-name=tiny]");
            await page.WaitForFunctionAsync("document.querySelector('#run-title').textContent.startsWith('tiny · finished')");

            HostProcess.Signal(server, "TERM");
            using var stopping = new CancellationTokenSource(StartTimeout);
            await server.WaitForExitAsync(stopping.Token);
            Assert.True(server.ExitCode == ExitCode.Interrupted, $"exit {server.ExitCode}:\n{await remainder}{await server.StandardError.ReadToEndAsync()}");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Strokes through <paramref name="points"/> (canvas pixels) with the mouse, in small steps as a hand moves.</summary>
    private static async Task Draw(IPage page, string canvas, (int X, int Y)[] points)
    {
        var box = (await page.Locator(canvas).BoundingBoxAsync())!;
        float scale = box.Width / 280;
        await page.Mouse.MoveAsync(box.X + (points[0].X * scale), box.Y + (points[0].Y * scale));
        await page.Mouse.DownAsync();
        foreach (var (x, y) in points.Skip(1))
        {
            await page.Mouse.MoveAsync(box.X + (x * scale), box.Y + (y * scale), new() { Steps = 12 });
        }

        await page.Mouse.UpAsync();
    }

    /// <summary>The canvas as the page encodes it for the API: a PNG.</summary>
    private static async Task<byte[]> CanvasPng(IPage page, string canvas)
    {
        var url = await page.EvalOnSelectorAsync<string>(canvas, "c => c.toDataURL('image/png')");
        return Convert.FromBase64String(url[(url.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }

    /// <summary>Uploads <paramref name="png"/> as the page does (the multipart part "image") to <paramref name="path"/>.</summary>
    private static async Task<JsonNode> Post(HttpClient http, string path, byte[] png)
    {
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var content = new MultipartFormDataContent { { file, "image", "drawing.png" } };
        var response = await http.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!;
    }

    private static async Task<JsonNode> PostJson(HttpClient http, string path, object value)
    {
        var response = await http.PostAsync(path, new StringContent(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>The page shows <paramref name="similarity"/> rounded to the decimals it prints.</summary>
    private static void AssertShows(double similarity, string shown)
    {
        int decimals = shown.Length - shown.IndexOf('.', StringComparison.Ordinal) - 1;
        Assert.InRange(decimals, 3, 7);
        Assert.Equal(similarity.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), shown);
    }

    /// <summary>The 28×28 image a pixel canvas shows: the red channel at the centre of each pixel's block.</summary>
    private static async Task<int[]> ShownPixels(IPage page, string canvas) =>
        await page.EvalOnSelectorAsync<int[]>(canvas, """
            c => {
              const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
              const block = c.width / 28, pixels = [];
              for (let r = 0; r < 28; r++) for (let k = 0; k < 28; k++) {
                const x = Math.floor((k + 0.5) * block), y = Math.floor((r + 0.5) * block);
                pixels.push(data[(y * c.width + x) * 4]);
              }
              return pixels;
            }
            """);

    /// <summary>Reads the server's output until it prints the address it listens on (the event that it is ready).</summary>
    /// <returns>The address, and the rest of the output (read on, so the server never blocks on a full pipe).</returns>
    private static async Task<(string Address, Task<string> Remainder)> ListeningAddress(Process server)
    {
        var output = new StringBuilder();
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.AppendLine(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                return (match.Groups["address"].Value, server.StandardOutput.ReadToEndAsync(CancellationToken.None));
            }
        }

        throw new InvalidOperationException($"serve ended before listening:\n{output}{await server.StandardError.ReadToEndAsync()}");
    }

    [GeneratedRegex(@"Listening on (?<address>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^(\S+) v\.s (\S+) , similarity : (?<similarity>[01]\.\d{3})$")]
    private static partial Regex TitleFormat();
}
