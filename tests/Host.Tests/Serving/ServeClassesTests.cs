using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Siamese.Host.Tests.Commands;

namespace Siamese.Host.Tests.Serving;

/// <summary>
/// Class names are strings from one place: the names a model recorded (any number, any text), and a gallery folder's
/// classes (the folder each picture is in, <c>Greek/character01</c>), in the API as they are.
/// </summary>
public sealed class ServeClassesTests
{
    private static readonly string[] Recorded = [.. Enumerable.Range(1, 12).Select(i => $"Greek/character{i:00}")];

    [Fact]
    public async Task RecordedClassesAndAFolderGallery_NamedAsTheyAre()
    {
        using var factory = new ServeFactory(model: TestFiles.TinyModel.WithClasses(Recorded), gallery: home =>
        {
            var folder = Path.Combine(home, "gallery");
            foreach (var (name, dark) in new[] { ("Greek/character01", true), ("Greek/character02", false), ("Latin/character01", true) })
            {
                Directory.CreateDirectory(Path.Combine(folder, name));
                TestFiles.WriteDigitPicture(Path.Combine(folder, name, "a.png"), darkOnLight: dark);
            }

            return folder;
        }, settings: new Dictionary<string, string?>(), gate: null);
        using var client = factory.CreateClient();

        var info = JsonNode.Parse(await client.GetStringAsync("/api/model"))!;
        var picture = new ByteArrayContent(File.ReadAllBytes(Path.Combine(factory.Home, "gallery", "Latin", "character01", "a.png")));
        picture.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var form = new MultipartFormDataContent { { picture, "image", "a.png" } };
        var search = await client.PostAsync("/api/search?k=3&invert=true", form);
        var body = await search.Content.ReadAsStringAsync();

        Assert.Equal(Recorded, info["classes"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(["Greek/character01", "Greek/character02", "Latin/character01"], info["gallery"]!["classes"]!.AsArray().Select(c => (string)c!));
        Assert.True(search.StatusCode == HttpStatusCode.OK, body);
        var matches = JsonNode.Parse(body)!["matches"]!.AsArray();
        Assert.Equal(3, matches.Count);
        Assert.All(matches, m => Assert.Equal($"{(string)m!["class"]!}/a.png", (string)m["id"]!));
    }

    /// <summary>
    /// A model trained on an image set (it records how its pictures are prepared, here inverted and centred) scores an
    /// upload as those pictures are prepared, whichever way round its ink is: a dark-on-light upload and the same
    /// picture light-on-dark give the model the same input.
    /// </summary>
    [Fact]
    public async Task ImageSetModel_UploadsPreparedAsItsPicturesWhicheverTheInk()
    {
        var model = TestFiles.TinyModel.Recorded(SimilarityKind.Sigmoid, 1, 1.0 / 255, new PictureInput(Invert: true, CentreOfMass: true));
        using var factory = new ServeFactory(model: model, gallery: home =>
        {
            var folder = Path.Combine(home, "gallery");
            foreach (var name in new[] { "a", "b" })
            {
                Directory.CreateDirectory(Path.Combine(folder, name));
                TestFiles.WriteDigitPicture(Path.Combine(folder, name, "1.png"), darkOnLight: name == "a");
            }

            return folder;
        }, settings: new Dictionary<string, string?>(), gate: null);
        using var client = factory.CreateClient();
        var dark = Path.Combine(factory.Home, "dark.png");
        var light = Path.Combine(factory.Home, "light.png");
        TestFiles.WriteDigitPicture(dark, darkOnLight: true);
        using (var bitmap = SkiaSharp.SKBitmap.Decode(dark))
        {
            // The same picture with its colours inverted: light ink on dark.
            bitmap.Pixels = [.. bitmap.Pixels.Select(c => new SkiaSharp.SKColor((byte)(255 - c.Red), (byte)(255 - c.Green), (byte)(255 - c.Blue), c.Alpha))];
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(light, data.ToArray());
        }

        async Task<int[]> Prepared(string path)
        {
            var picture = new ByteArrayContent(File.ReadAllBytes(path));
            picture.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var form = new MultipartFormDataContent { { picture, "images", Path.GetFileName(path) } };
            var response = await client.PostAsync("/api/embed", form);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            return [.. JsonNode.Parse(body)!["given"]![0]!.AsArray().Select(p => (int)p!)];
        }

        var fromDark = await Prepared(dark);
        var fromLight = await Prepared(light);
        var expected = new Siamese.Host.Imaging.ModelPicture(model, invertDigits: false).Prepare(File.ReadAllBytes(dark), dark, invert: true, maxSide: 4096);

        Assert.Equal(expected.Select(p => (int)p), fromDark);
        Assert.Equal(fromDark, fromLight);
        Assert.True(fromDark.Count(p => p > 127) is > 10 and < 400, "ink high, background low");
    }
}
