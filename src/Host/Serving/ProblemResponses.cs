using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;

namespace Siamese.Host.Serving;

/// <summary>
/// The outermost middleware: turns every refusal into a 4xx problem-details response, and anything unforeseen into a
/// bare 500 problem (logged with its stack, which never reaches the client).
/// </summary>
internal sealed partial class ProblemResponses(RequestDelegate next, ILogger<ProblemResponses> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (ApiProblem problem)
        {
            await Refuse(context, problem.Status, problem.Title, problem.Detail).ConfigureAwait(false);
        }
        catch (BadHttpRequestException bad)
        {
            // Kestrel's own refusals: a body over the size limit (413), a malformed or too slow request (400, 408).
            await Refuse(context, bad.StatusCode, "The request is not usable", bad.Message).ConfigureAwait(false);
        }
        catch (UserInputException picture)
        {
            // An uploaded picture that cannot be used (not an image, too large, no digit in it).
            await Refuse(context, StatusCodes.Status400BadRequest, "The picture is not usable", picture.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is there to answer (a timed-out request was answered by the timeout middleware).
        }
        catch (Exception e)
        {
            LogFailed(logger, context.Request.Method, context.Request.Path, e);
            await Refuse(context, StatusCodes.Status500InternalServerError, "Internal error", "The server failed to answer this request; its log says why.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The body of a refusal the framework answers with a bare status code (no route, a method or content type the route
    /// does not take): a problem saying what would have been accepted.
    /// </summary>
    public static Task StatusCodePage(StatusCodeContext page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var context = page.HttpContext;
        var request = context.Request;
        int status = context.Response.StatusCode;
        var (title, detail) = status switch
        {
            StatusCodes.Status404NotFound => ("Not found", $"There is no {request.Path}: the page is at /, the API under /api (GET /api/openapi/v1.json describes it)."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", $"{request.Path} does not take {request.Method}; it takes {context.Response.Headers.Allow}."),
            StatusCodes.Status415UnsupportedMediaType => ("Unsupported content type", $"{request.Path} takes application/json (pixel arrays) or multipart/form-data (PNG/JPEG pictures), not {(string.IsNullOrEmpty(request.ContentType) ? "a body without a Content-Type" : request.ContentType)}."),
            _ => (ReasonPhrases.GetReasonPhrase(status), $"The request was answered {status} {ReasonPhrases.GetReasonPhrase(status)}."),
        };
        return ApiProblem.WriteAsync(context, status, title, detail);
    }

    private static Task Refuse(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return ApiProblem.WriteAsync(context, status, title, detail);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, string method, string path, Exception exception);
}
