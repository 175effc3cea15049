using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Siamese.Host.Serving;
using Siamese.Host.Tests.Commands;
using Siamese.Pipeline.Data;
using Siamese.Tests.Shared;

namespace Siamese.Host.Tests.Serving;

/// <summary>One serve application for the tests that need no special limits.</summary>
public sealed class DefaultServe : IDisposable
{
    internal ServeFactory Factory { get; } = new(new Dictionary<string, string?>
    {
        ["Serve:MaxRequestBodyBytes"] = "65536",
        ["Serve:MaxImageBytes"] = "32768",
        ["Serve:MaxImageSide"] = "512",
        ["Serve:MaxImagesPerRequest"] = "4",
    });

    public HttpClient Client => Factory.CreateClient();

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// The API in process (WebApplicationFactory): what each endpoint answers for good requests, checked against the model
/// scored directly, and the status and problem-details body of every kind of bad request.
/// </summary>
public sealed class ServeApiTests(DefaultServe serve) : IClassFixture<DefaultServe>
{
    private static readonly Lazy<LabeledImages> MnistTest = new(() =>
        MnistLoader.TryLoad(Path.Combine(HostProcess.RepositoryRoot, "data", "mnist"))?.Test ?? throw new InvalidOperationException("MNIST is not in data/mnist"));

    private readonly HttpClient _client = serve.Client;

    private static byte[] Test(int index) => MnistTest.Value.Image(index).ToArray();

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static StringContent RawJson(string text) => new(text, Encoding.UTF8, "application/json");

    private static int[] Ints(byte[] pixels) => [.. pixels.Select(p => (int)p)];

    private static async Task<JsonNode> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>The status expected, a problem-details body whose detail mentions <paramref name="mentions"/>, and no stack trace.</summary>
    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string mentions)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.Contains(mentions, (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", body);
    }

    private static ByteArrayContent Png(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static byte[] DigitPicture(bool darkOnLight, int width = 90, int height = 70)
    {
        var path = Path.Combine(Path.GetTempPath(), $"serve-digit-{Guid.NewGuid():N}.png");
        try
        {
            TestFiles.WriteDigitPicture(path, darkOnLight, width, height);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Model_DescribesTowerClassesThresholdAndGallery()
    {
        var info = await Ok(await _client.GetAsync("/api/model"));

        Assert.Equal(28, (int)info["imageSide"]!);
        Assert.Equal(784, (int)info["inputSize"]!);
        Assert.Equal(16, (int)info["embeddingSize"]!);
        Assert.Equal(Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)), info["classes"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(0.5, (double)info["threshold"]!);
        Assert.Equal("Evaluation:Threshold", (string)info["thresholdSource"]!);
        Assert.Equal(10_000, (int)info["gallery"]!["images"]!);
    }

    [Fact]
    public async Task Similarity_PixelArrays_IsTheModelsOwnScore()
    {
        var (left, right) = (Test(0), Test(1));

        var answer = await Ok(await _client.PostAsync("/api/similarity", Json(new { left = Ints(left), right = Ints(right) })));

        float expected = serve.Factory.Served.Model.Similarity(left, right);
        float similarity = (float)answer["similarity"]!;
        Assert.Equal(expected, similarity, 1e-6f);
        Assert.Equal(similarity > 0.5, (bool)answer["same"]!);
        Assert.Null(answer["given"]);
    }

    [Fact]
    public async Task Similarity_UploadedPictures_ScoresThePixelsItShowsAsGiven()
    {
        var light = DigitPicture(darkOnLight: false);
        var dark = DigitPicture(darkOnLight: true);
        using var form = new MultipartFormDataContent { { Png(light), "left", "left.png" }, { Png(dark), "right", "right.png" } };

        var answer = await Ok(await _client.PostAsync("/api/similarity", form));

        var given = answer["given"]!.AsArray().Select(g => g!.AsArray().Select(p => (byte)(int)p!).ToArray()).ToArray();
        Assert.Equal(Siamese.Host.Imaging.DigitImageFile.FromBytes(light, "left", invert: false).Pixels, given[0]);
        Assert.Equal(Siamese.Host.Imaging.DigitImageFile.FromBytes(dark, "right", invert: true).Pixels, given[1]);
        Assert.Equal(serve.Factory.Served.Model.Similarity(given[0], given[1]), (float)answer["similarity"]!, 1e-6f);
    }

    [Fact]
    public async Task Embed_SeveralImages_AreTheModelsEmbeddings()
    {
        var images = new[] { Test(3), Test(4) };

        var answer = await Ok(await _client.PostAsync("/api/embed", Json(new { images = images.Select(Ints) })));

        Assert.Equal(16, (int)answer["dimensions"]!);
        var rows = answer["embeddings"]!.AsArray();
        Assert.Equal(2, rows.Count);
        for (int i = 0; i < 2; i++)
        {
            var expected = serve.Factory.Served.Model.Embed(images[i]).Cast<float>().ToArray();
            Assert.Equal(expected, rows[i]!.AsArray().Select(v => (float)v!), (a, b) => Math.Abs(a - b) <= 1e-6f);
        }
    }

    [Fact]
    public async Task SearchAndIdentify_TestImage_RankGalleryAndAnswerByTheThreshold()
    {
        var query = Test(7);

        var search = await Ok(await _client.PostAsync("/api/search?k=5&pixels=true", Json(new { image = Ints(query) })));
        var identify = await Ok(await _client.PostAsync("/api/identify?k=5", Json(new { image = Ints(query) })));

        var matches = search["matches"]!.AsArray();
        Assert.Equal(5, matches.Count);
        Assert.Equal(10_000, (int)search["gallery"]!);
        var model = serve.Factory.Served.Model;
        var ranked = new int[5];
        model.Rank(model.Embed(query).Cast<float>().ToArray(), serve.Factory.Served.Gallery.Embeddings, [], ranked);
        for (int r = 0; r < 5; r++)
        {
            var match = matches[r]!;
            int index = (int)match["index"]!;
            Assert.Equal(ranked[r], index);
            Assert.Equal(r + 1, (int)match["rank"]!);
            Assert.Equal($"test:{index}", (string)match["id"]!);
            Assert.Equal(MnistTest.Value.Labels[index].ToString(System.Globalization.CultureInfo.InvariantCulture), (string)match["class"]!);
            Assert.Equal(model.Similarity(query, Test(index)), (float)match["similarity"]!, 1e-6f);
            Assert.Equal(Ints(Test(index)), match["pixels"]!.AsArray().Select(p => (int)p!));
        }

        var nearest = matches[0]!;
        Assert.Equal((float)nearest["similarity"]!, (float)identify["similarity"]!);
        Assert.Equal((string)nearest["class"]!, (string)identify["nearestClass"]!);
        bool known = (float)identify["similarity"]! > 0.5;
        Assert.Equal(known, (bool)identify["known"]!);
        Assert.Equal(known ? (string)nearest["class"]! : "unknown", (string)identify["answer"]!);
        Assert.Null(identify["matches"]![0]!["pixels"]);
    }

    [Fact]
    public async Task Map_ImagesAndGallery_PlacedOnTheGallerysPrincipalComponents()
    {
        var gallery = await Ok(await _client.GetAsync("/api/map"));
        var placed = await Ok(await _client.PostAsync("/api/map", Json(new { images = new[] { Ints(Test(12)) } })));

        Assert.Equal(10_000, gallery["x"]!.AsArray().Count);
        Assert.Equal(10_000, gallery["class"]!.AsArray().Count);
        Assert.Equal(10, gallery["classes"]!.AsArray().Count);

        // Test image 12 is in the gallery: placing it again lands where the gallery's map has it.
        var point = placed["points"]![0]!;
        Assert.Equal((double)gallery["x"]![12]!, (double)point["x"]!, 1e-3);
        Assert.Equal((double)gallery["y"]![12]!, (double)point["y"]!, 1e-3);
    }

    [Fact]
    public async Task HealthPageAndGalleryImage_Served()
    {
        Assert.Equal("ok", (string)(await Ok(await _client.GetAsync("/healthz")))["status"]!);
        var page = await _client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<canvas id=\"draw\"", await page.Content.ReadAsStringAsync());
        var script = await _client.GetAsync("/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/app.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(again)).StatusCode);

        var image = await Ok(await _client.GetAsync("/api/gallery/9999"));
        Assert.Equal("test:9999", (string)image["id"]!);
        Assert.Equal(Ints(Test(9999)), image["pixels"]!.AsArray().Select(p => (int)p!));
    }

    [Fact]
    public async Task OpenApi_DescribesEveryApiRoute()
    {
        var document = await Ok(await _client.GetAsync("/api/openapi/v1.json"));

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        foreach (var route in new[] { "/healthz", "/api/model", "/api/similarity", "/api/embed", "/api/search", "/api/identify", "/api/map", "/api/gallery/{index}", "/api/runs", "/api/runs/{name}" })
        {
            Assert.Contains(route, paths);
        }

        var upload = document["paths"]!["/api/similarity"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["properties"]!;
        Assert.Equal("binary", (string)upload["left"]!["format"]!);
    }

    [Fact]
    public async Task Runs_ListsRunFoldersAndNamesOnlyThose()
    {
        var run = Path.Combine(serve.Factory.Home, "runs", "live");
        Directory.CreateDirectory(run);
        AtomicFile.WriteJson(Path.Combine(run, RunFiles.HistoryJson), new[] { new EpochRecord(1, 0.6, 0.7, 0.5, 0.75, 1e-3, 1.5, 1000), new EpochRecord(2, 0.4, 0.8, 0.45, 0.8, 1e-3, 1.4, 1100) });
        File.WriteAllText(Path.Combine(run, RunFiles.Lock), "");
        Directory.CreateDirectory(Path.Combine(serve.Factory.Home, "runs", "not-a-run"));

        var list = (await Ok(await _client.GetAsync("/api/runs"))).AsArray();
        var detail = await Ok(await _client.GetAsync("/api/runs/live"));

        Assert.Equal(["live", "tiny"], list.Select(r => (string)r!["name"]!).Order());
        var live = list.Single(r => (string)r!["name"]! == "live")!;
        Assert.Equal("running", (string)live["status"]!);
        Assert.Equal(2, (int)live["epochs"]!);
        Assert.Equal(0.8, (double)live["last"]!["valAcc"]!);
        Assert.Equal("finished", (string)list.Single(r => (string)r!["name"]! == "tiny")!["status"]!);
        Assert.Equal([1, 2], detail["history"]!.AsArray().Select(h => (int)h!["epoch"]!));
        Assert.Null(detail["history"]![0]!["testAcc"]);

        await AssertProblem(await _client.GetAsync("/api/runs/not-a-run"), HttpStatusCode.NotFound, "no run");
        await AssertProblem(await _client.GetAsync("/api/runs/..%2Ftiny"), HttpStatusCode.NotFound, "no run");
        await AssertProblem(await _client.GetAsync("/api/runs/%2Fetc"), HttpStatusCode.NotFound, "no run");
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadJson => new()
    {
        { "/api/similarity", """{"left": [1, 2], "right": [3]}""", HttpStatusCode.BadRequest, "'left' has 2 pixels; the model takes 784" },
        { "/api/similarity", """{"left": [NaN], "right": []}""", HttpStatusCode.BadRequest, "not valid JSON" },
        { "/api/similarity", """{"left": ["NaN"], "right": []}""", HttpStatusCode.BadRequest, "Pixel 0 of 'left' is a string" },
        { "/api/similarity", """{"left": [1e999], "right": []}""", HttpStatusCode.BadRequest, "not a finite number" },
        { "/api/similarity", """{"left": [0.5], "right": []}""", HttpStatusCode.BadRequest, "0.5, not a whole number" },
        { "/api/similarity", """{"left": [256], "right": []}""", HttpStatusCode.BadRequest, "256, outside 0–255" },
        { "/api/similarity", """{"left": [-1], "right": []}""", HttpStatusCode.BadRequest, "-1, outside 0–255" },
        { "/api/similarity", """{"left": null}""", HttpStatusCode.BadRequest, "got null" },
        { "/api/similarity", """{"lefty": []}""", HttpStatusCode.BadRequest, "Unknown field 'lefty'" },
        { "/api/similarity", """[1, 2]""", HttpStatusCode.BadRequest, "must be a JSON object" },
        { "/api/similarity", """{"left": [""", HttpStatusCode.BadRequest, "not valid JSON" },
        { "/api/similarity", "", HttpStatusCode.BadRequest, "not valid JSON" },
        { "/api/similarity", """{} {}""", HttpStatusCode.BadRequest, "not valid JSON" },
        { "/api/search", """{}""", HttpStatusCode.BadRequest, "Field 'image' is missing" },
        { "/api/embed", """{"images": []}""", HttpStatusCode.BadRequest, "holds no image" },
        { "/api/embed", """{"images": [1]}""", HttpStatusCode.BadRequest, "'images[0]' must be an array" },
        { "/api/search?k=0", """{}""", HttpStatusCode.BadRequest, "'k' must be a whole number from 1 to 100" },
        { "/api/search?k=abc", """{}""", HttpStatusCode.BadRequest, "'k' must be a whole number" },
        { "/api/identify?pixels=maybe", """{}""", HttpStatusCode.BadRequest, "'pixels' must be true or false" },
        { "/api/similarity?path=/etc/passwd", """{}""", HttpStatusCode.BadRequest, "Unknown query parameter 'path'" },
    };

    [Theory]
    [MemberData(nameof(BadJson))]
    public async Task BadJsonBody_RefusedWithWhatWasWrong(string path, string body, HttpStatusCode status, string mentions) =>
        await AssertProblem(await _client.PostAsync(path, RawJson(body)), status, mentions);

    [Fact]
    public async Task TooManyImages_RefusedAtTheLimit()
    {
        var images = Enumerable.Range(0, 5).Select(i => Ints(Test(i))).ToArray();

        await AssertProblem(await _client.PostAsync("/api/embed", Json(new { images })), HttpStatusCode.BadRequest, "more than 4 images");
        await Ok(await _client.PostAsync("/api/embed", Json(new { images = images[..4] })));
    }

    [Fact]
    public async Task OversizedBody_413BeforeItIsRead()
    {
        var big = new string(' ', 70_000);

        await AssertProblem(await _client.PostAsync("/api/similarity", RawJson("{" + big + "}")), HttpStatusCode.RequestEntityTooLarge, "at most 65536");
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/similarity") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{" + big + "}"))) };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertProblem(await _client.SendAsync(chunked), HttpStatusCode.RequestEntityTooLarge, "65536");
    }

    [Fact]
    public async Task BadUploads_RefusedWithWhatWasWrong()
    {
        using var corrupt = new MultipartFormDataContent { { Png([0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]), "image", "x.png" } };
        await AssertProblem(await _client.PostAsync("/api/search", corrupt), HttpStatusCode.BadRequest, "not a PNG or JPEG picture");

        using var blank = new MultipartFormDataContent { { Png(BlankPicture()), "image", "blank.png" } };
        await AssertProblem(await _client.PostAsync("/api/search?invert=false", blank), HttpStatusCode.BadRequest, "shows no digit");

        using var wide = new MultipartFormDataContent { { Png(DigitPicture(darkOnLight: false, width: 600, height: 40)), "image", "wide.png" } };
        await AssertProblem(await _client.PostAsync("/api/search", wide), HttpStatusCode.BadRequest, "at most 512×512");

        using var heavy = new MultipartFormDataContent { { Png(new byte[40_000]), "image", "heavy.png" } };
        await AssertProblem(await _client.PostAsync("/api/search", heavy), HttpStatusCode.RequestEntityTooLarge, "Serve:MaxImageBytes");

        using var missing = new MultipartFormDataContent { { Png(DigitPicture(false)), "left", "a.png" } };
        await AssertProblem(await _client.PostAsync("/api/similarity", missing), HttpStatusCode.BadRequest, "Part 'right' is missing");

        using var twice = new MultipartFormDataContent { { Png(DigitPicture(false)), "image", "a.png" }, { Png(DigitPicture(false)), "image", "b.png" } };
        await AssertProblem(await _client.PostAsync("/api/identify", twice), HttpStatusCode.BadRequest, "given twice");

        await AssertProblem(await _client.PostAsync("/api/search", new StringContent("x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "application/json");
        await AssertProblem(await _client.PostAsync("/api/search", new ByteArrayContent([1, 2])), HttpStatusCode.UnsupportedMediaType, "no usable Content-Type");
    }

    [Fact]
    public async Task UnknownRoutesAndMethods_ProblemsToo()
    {
        await AssertProblem(await _client.GetAsync("/api/nothing"), HttpStatusCode.NotFound, "/api/nothing");
        await AssertProblem(await _client.GetAsync("/..%2F..%2Fetc%2Fpasswd"), HttpStatusCode.NotFound, "no");
        await AssertProblem(await _client.DeleteAsync("/api/model"), HttpStatusCode.MethodNotAllowed, "takes GET");
        await AssertProblem(await _client.GetAsync("/api/gallery/10000"), HttpStatusCode.NotFound, "0 to 9999");
    }

    /// <summary>
    /// Seeded damage to valid bodies (JSON and multipart): whatever arrives, the answer is a 2xx or a 4xx problem, never a
    /// 500 or a stack trace.
    /// </summary>
    [Fact]
    public async Task MutatedBodies_NeverA500()
    {
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { left = Ints(Test(0)), right = Ints(Test(1)) }));
        using var form = new MultipartFormDataContent("boundary-1") { { Png(DigitPicture(false)), "image", "a.png" } };
        var multipart = await form.ReadAsByteArrayAsync();
        var mutator = new FileMutator(seed: 24);
        var statuses = new List<int>();
        for (int i = 0; i < 150; i++)
        {
            bool isJson = i % 2 == 0;
            var (bytes, what) = mutator.Mutate(isJson ? json : multipart, headerLength: 64, fields: []);
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = isJson ? new MediaTypeHeaderValue("application/json") : MediaTypeHeaderValue.Parse("multipart/form-data; boundary=boundary-1");
            var response = await _client.PostAsync(isJson ? "/api/similarity" : "/api/identify", content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"mutant {i} ({what}): {(int)response.StatusCode} {body}");
            Assert.DoesNotContain("   at ", body);
            statuses.Add((int)response.StatusCode);
        }

        Assert.Contains(200, statuses);
        Assert.Contains(400, statuses);
    }

    private static byte[] BlankPicture()
    {
        using var bitmap = new SkiaSharp.SKBitmap(40, 40);
        bitmap.Erase(SkiaSharp.SKColors.Black);
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
