using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Siamese.Host.Serving;

/// <summary>
/// A request <c>serve</c> refuses: its status code (4xx) and what was wrong, written as an RFC 9457 problem-details
/// body by <see cref="ProblemResponses"/>.
/// </summary>
internal sealed class ApiProblem(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Detail => Message;

    public static ApiProblem BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "The request is not usable", detail);

    public static ApiProblem TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "The request is too large", detail);

    public static ApiProblem UnsupportedMediaType(string detail) => new(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", detail);

    public static ApiProblem NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>Writes a problem-details body (<c>application/problem+json</c>) with <paramref name="status"/>.</summary>
    /// <param name="cancellationToken">Default: the request's own (a timed-out request's is already cancelled).</param>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, CancellationToken? cancellationToken = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        return context.Response.WriteAsJsonAsync(problem, ApiJson.Api.ProblemDetails, "application/problem+json", cancellationToken ?? context.RequestAborted);
    }
}
