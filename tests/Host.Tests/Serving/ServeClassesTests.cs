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
}
