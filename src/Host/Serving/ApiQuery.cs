using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Siamese.Host.Serving;

/// <summary>An endpoint's query parameters: only the ones it names, each parsed and range-checked, or a 400 saying which.</summary>
internal sealed class ApiQuery
{
    private readonly IQueryCollection _query;

    private ApiQuery(IQueryCollection query) => _query = query;

    /// <exception cref="ApiProblem">A parameter the endpoint does not take, or one given twice.</exception>
    public static ApiQuery Of(HttpRequest request, params string[] accepted)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (key, values) in request.Query)
        {
            if (!accepted.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw ApiProblem.BadRequest(accepted.Length == 0
                    ? $"Unknown query parameter '{key}': this endpoint takes none."
                    : $"Unknown query parameter '{key}': this endpoint takes {string.Join(", ", accepted)}.");
            }

            if (values.Count > 1)
            {
                throw ApiProblem.BadRequest($"Query parameter '{key}' is given {values.Count} times.");
            }
        }

        return new ApiQuery(request.Query);
    }

    public int Int(string name, int fallback, int min, int max)
    {
        if (_query[name] is not [{ } text])
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw ApiProblem.BadRequest($"Query parameter '{name}' must be a whole number from {min} to {max}; got '{text}'.");
    }

    public bool Bool(string name, bool fallback) => _query[name] is not [{ } text] ? fallback
        : bool.TryParse(text, out bool value) ? value
        : throw ApiProblem.BadRequest($"Query parameter '{name}' must be true or false; got '{text}'.");

    /// <summary><c>invert</c>: true, false or auto (null: decided per picture from its border).</summary>
    public bool? Invert() => _query["invert"] is not [{ } text] || text.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null
        : bool.TryParse(text, out bool value) ? value
        : throw ApiProblem.BadRequest($"Query parameter 'invert' must be true, false or auto; got '{text}'.");
}
