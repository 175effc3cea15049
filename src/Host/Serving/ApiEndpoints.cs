using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siamese.Host.Configuration;

namespace Siamese.Host.Serving;

/// <summary>
/// The JSON API under <c>/api</c>: the model's description, and the similarity, embeddings, search, identify and map
/// position of images sent as pixel arrays (JSON) or picture files (multipart/form-data); the runs view's data.
/// </summary>
internal static class ApiEndpoints
{
    /// <summary>The concurrency limiter every scoring endpoint is held to (Serve:MaxConcurrentRequests, Serve:QueueLimit).</summary>
    public const string ConcurrencyPolicy = "scoring";

    private const int DefaultK = 8;

    private static readonly ImageField[] PairFields = [new("left", Many: false), new("right", Many: false)];
    private static readonly ImageField[] ImagesFields = [new("images", Many: true)];
    private static readonly ImageField[] ImageFields = [new("image", Many: false)];

    public static void Map(IEndpointRouteBuilder routes, ServedModel served, RunsCatalog runs)
    {
        var api = routes.MapGroup("/api").RequireRateLimiting(ConcurrencyPolicy);

        api.MapGet("/model", () => TypedResults.Json(Info(served), ApiJson.Api.ModelInfo))
            .WithName("model").WithSummary("The model: tower, similarity, classes, calibrated threshold, image side and gallery.");

        api.MapPost("/similarity", Handler(context => Similarity(context, served)))
            .Accepts<SimilarityRequest>("application/json", "multipart/form-data").WithMetadata(new UploadParts(PairFields))
            .Produces<SimilarityResponse>().Problems()
            .WithName("similarity").WithSummary("The similarity of two images, and whether it is above the threshold (same class).");

        api.MapPost("/embed", Handler(context => Embed(context, served)))
            .Accepts<ImagesRequest>("application/json", "multipart/form-data").WithMetadata(new UploadParts(ImagesFields))
            .Produces<EmbedResponse>().Problems()
            .WithName("embed").WithSummary("The embeddings of one or more images.");

        api.MapPost("/search", Handler(context => Search(context, served)))
            .Accepts<ImageRequest>("application/json", "multipart/form-data").WithMetadata(new UploadParts(ImageFields), new QueryParameters(KParameter, PixelsParameter))
            .Produces<SearchResponse>().Problems()
            .WithName("search").WithSummary("The k gallery images most similar to an image, most similar first.");

        api.MapPost("/identify", Handler(context => Identify(context, served)))
            .Accepts<ImageRequest>("application/json", "multipart/form-data").WithMetadata(new UploadParts(ImageFields), new QueryParameters(KParameter, PixelsParameter))
            .Produces<IdentifyResponse>().Problems()
            .WithName("identify").WithSummary("The class of the most similar gallery image, or \"unknown\" when its similarity is not above the threshold; with the k best matches.");

        api.MapPost("/map", Handler(context => Place(context, served)))
            .Accepts<ImagesRequest>("application/json", "multipart/form-data").WithMetadata(new UploadParts(ImagesFields))
            .Produces<MapResponse>().Problems()
            .WithName("map").WithSummary("Where images fall on the gallery's embedding map (its first two principal components).");

        api.MapGet("/map", () => TypedResults.Json(GalleryMap(served), ApiJson.Api.GalleryMapResponse))
            .WithName("galleryMap").WithSummary("The gallery's embedding map: each image's place and class.");

        api.MapGet("/gallery/{index:int}", (int index) => GalleryImage(served, index))
            .Produces<GalleryImageResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("galleryImage").WithSummary("One gallery image: its name, class and pixels.");

        api.MapGet("/runs", () => TypedResults.Json(runs.List(), ApiJson.Api.RunSummaryArray))
            .WithName("runs").WithSummary("The run folders under Serve:Runs with their last epoch and evaluation, newest first.");

        api.MapGet("/runs/{name}", (string name) => runs.Find(name) is { } run
                ? TypedResults.Json(run, ApiJson.Api.RunDetail)
                : throw ApiProblem.NotFound($"There is no run '{name}' under {runs.Root}: GET /api/runs lists them."))
            .Produces<RunDetail>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("run").WithSummary("One run from the list, with its whole history.");
    }

    private static readonly QueryParameter KParameter = new("k", "integer", $"How many gallery images to return (default {DefaultK}, at most Serve:MaxResults).");
    private static readonly QueryParameter PixelsParameter = new("pixels", "boolean", "Also return each match's pixels (default false).");

    /// <summary>A handler as a route handler (whose result is written), not as a bare RequestDelegate (whose result is dropped).</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    private static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static ModelInfo Info(ServedModel served)
    {
        var model = served.Model;
        var gallery = served.Gallery;
        return new ModelInfo(model.Source, model.Options.Tower.ToString(), model.Options.Similarity.ToString(), model.InputSize, served.ImageSide, model.EmbeddingSize,
            served.Classes.Names, served.Threshold, served.ThresholdSource, new GalleryInfo(gallery.Name, gallery.Count, gallery.ClassNames));
    }

    private static async Task<IResult> Similarity(HttpContext context, ServedModel served)
    {
        var (images, _) = await Read(context, served, PairFields, _ => 0).ConfigureAwait(false);
        float similarity = await Scored(context, token => served.SimilarityAsync(images.One("left"), images.One("right"), token)).ConfigureAwait(false);
        var given = images.Uploaded ? new[] { Ints(images.One("left")), Ints(images.One("right")) } : null;
        return TypedResults.Json(new SimilarityResponse(similarity, similarity > served.Threshold, served.Threshold, given), ApiJson.Api.SimilarityResponse);
    }

    private static async Task<IResult> Embed(HttpContext context, ServedModel served)
    {
        var (images, _) = await Read(context, served, ImagesFields, _ => 0).ConfigureAwait(false);
        var embeddings = await Scored(context, token => served.EmbedAsync(images.Concatenated("images"), token)).ConfigureAwait(false);
        int width = served.Model.EmbeddingSize;
        var rows = Enumerable.Range(0, embeddings.Length / width).Select(i => embeddings.AsSpan(i * width, width).ToArray()).ToArray();
        var given = images.Uploaded ? images.Many("images").Select(image => Ints(image)).ToArray() : null;
        return TypedResults.Json(new EmbedResponse(width, rows, given), ApiJson.Api.EmbedResponse);
    }

    private static async Task<IResult> Search(HttpContext context, ServedModel served)
    {
        var (images, found) = await Read(context, served, ImageFields, query => SearchParameters(context, served, query), "k", "pixels").ConfigureAwait(false);
        var matches = await Matches(context, served, images, found).ConfigureAwait(false);
        return TypedResults.Json(new SearchResponse(served.Gallery.Count, matches, Given(images)), ApiJson.Api.SearchResponse);
    }

    private static async Task<IResult> Identify(HttpContext context, ServedModel served)
    {
        var (images, found) = await Read(context, served, ImageFields, query => SearchParameters(context, served, query), "k", "pixels").ConfigureAwait(false);
        var matches = await Matches(context, served, images, found).ConfigureAwait(false);
        var nearest = matches[0];
        bool known = nearest.Similarity > served.Threshold;
        return TypedResults.Json(new IdentifyResponse(known ? nearest.Class : "unknown", known, nearest.Class, nearest.Similarity, served.Threshold, matches, Given(images)), ApiJson.Api.IdentifyResponse);
    }

    private static async Task<IResult> Place(HttpContext context, ServedModel served)
    {
        var (images, _) = await Read(context, served, ImagesFields, _ => 0).ConfigureAwait(false);
        var points = await Scored(context, token => served.PlaceAsync(images.Concatenated("images"), token)).ConfigureAwait(false);
        var given = images.Uploaded ? images.Many("images").Select(image => Ints(image)).ToArray() : null;
        return TypedResults.Json(new MapResponse([.. points.Select(p => new MapPoint(p.X, p.Y))], given), ApiJson.Api.MapResponse);
    }

    private static GalleryMapResponse GalleryMap(ServedModel served)
    {
        var gallery = served.Gallery;
        var map = gallery.Map;
        return new GalleryMapResponse(map.Explained, [.. map.X.Select(x => (float)x)], [.. map.Y.Select(y => (float)y)],
            [.. Enumerable.Range(0, gallery.Count).Select(gallery.ClassIndex)], gallery.ClassNames);
    }

    private static IResult GalleryImage(ServedModel served, int index)
    {
        var gallery = served.Gallery;
        if (index < 0 || index >= gallery.Count)
        {
            throw ApiProblem.NotFound($"The gallery has {gallery.Count} images, 0 to {gallery.Count - 1}; there is no image {index}.");
        }

        return TypedResults.Json(new GalleryImageResponse(index, gallery.Id(index), gallery.ClassOf(index), Ints(gallery.Image(index))), ApiJson.Api.GalleryImageResponse);
    }

    /// <summary>A search's k (at most Serve:MaxResults and the gallery's size) and whether matches carry their pixels.</summary>
    private static (int K, bool Pixels) SearchParameters(HttpContext context, ServedModel served, ApiQuery query)
    {
        int most = Math.Min(Limits(context).MaxResults, served.Gallery.Count);
        return (query.Int("k", Math.Min(DefaultK, most), 1, most), query.Bool("pixels", false));
    }

    private static async Task<MatchResponse[]> Matches(HttpContext context, ServedModel served, RequestImages images, (int K, bool Pixels) search)
    {
        var found = await Scored(context, token => served.SearchAsync(images.One("image"), search.K, token)).ConfigureAwait(false);
        return [.. found.Select(m => new MatchResponse(m.Rank, m.Index, m.Id, m.Class, m.Similarity, search.Pixels ? Ints(served.Gallery.Image(m.Index)) : null))];
    }

    /// <summary>The query parameters (<paramref name="parameters"/> and <c>invert</c>, parsed by <paramref name="parse"/>), then the images: a bad parameter is refused before the body is read.</summary>
    private static async Task<(RequestImages Images, T Parameters)> Read<T>(HttpContext context, ServedModel served, ImageField[] fields, Func<ApiQuery, T> parse, params string[] parameters)
    {
        var query = ApiQuery.Of(context.Request, [.. parameters, "invert"]);
        var parsed = parse(query);
        var images = await RequestImages.ReadAsync(context, fields, Limits(context), served.Pictures, query.Invert()).ConfigureAwait(false);
        return (images, parsed);
    }

    /// <summary>Scores once the request has passed the gate, unless it was cancelled (timed out, or the client left) first.</summary>
    private static async Task<T> Scored<T>(HttpContext context, Func<CancellationToken, Task<T>> score)
    {
        var token = context.RequestAborted;
        await context.RequestServices.GetRequiredService<ScoringGate>().EnterAsync(token).ConfigureAwait(false);
        return await score(token).ConfigureAwait(false);
    }

    private static ServeOptions Limits(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<ServeOptions>>().Value;

    private static int[]? Given(RequestImages images) => images.Uploaded ? Ints(images.One("image")) : null;

    private static int[] Ints(ReadOnlySpan<byte> pixels)
    {
        var ints = new int[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            ints[i] = pixels[i];
        }

        return ints;
    }
}

/// <summary>Endpoint metadata for the OpenAPI document: the file parts a multipart/form-data upload of this endpoint holds.</summary>
internal sealed record UploadParts(IReadOnlyList<ImageField> Fields);

/// <summary>Endpoint metadata for the OpenAPI document: a query parameter the endpoint reads itself.</summary>
internal sealed record QueryParameter(string Name, string Type, string Description);

internal sealed record QueryParameters(params QueryParameter[] Parameters);
