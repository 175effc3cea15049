using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Siamese.Host.Serving;

/// <summary>
/// The OpenAPI document's additions to what ASP.NET Core derives from the endpoints: its title, and for each endpoint
/// the query parameters and multipart picture parts it reads itself (<see cref="QueryParameters"/>, <see cref="UploadParts"/>).
/// </summary>
internal static class ApiDocument
{
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Siamese serve",
                Version = "v1",
                Description = "A trained Siamese network over HTTP. Images are row-major arrays of whole numbers 0–255 "
                    + "(28 × 28 = 784 for MNIST models: GET /api/model says), sent as JSON, or PNG/JPEG pictures sent as "
                    + "multipart/form-data, made MNIST-like as the compare command makes a picture file. Every refusal is "
                    + "a 4xx problem-details body (RFC 9457) saying what was wrong.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            foreach (var parameter in metadata.OfType<QueryParameters>().SelectMany(q => q.Parameters))
            {
                AddQuery(operation, parameter.Name, parameter.Type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.Boolean, parameter.Description);
            }

            if (metadata.OfType<UploadParts>().FirstOrDefault() is { } upload)
            {
                AddQuery(operation, "invert", JsonSchemaType.String, "Uploaded pictures: dark digits on light paper (true), light on dark (false), or decided per picture from its border (auto, the default).");
                var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>(), Required = new HashSet<string>() };
                foreach (var field in upload.Fields)
                {
                    var file = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "A PNG or JPEG picture." };
                    schema.Properties[field.Name] = field.Many ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = file, Description = "One or more PNG or JPEG pictures (repeat the part)." } : file;
                    schema.Required.Add(field.Name);
                }

                if (operation.RequestBody is OpenApiRequestBody body)
                {
                    body.Content ??= new Dictionary<string, OpenApiMediaType>();
                    body.Content["multipart/form-data"] = new OpenApiMediaType { Schema = schema };
                }
            }

            return Task.CompletedTask;
        });
    }

    private static void AddQuery(OpenApiOperation operation, string name, JsonSchemaType type, string description)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Query, Required = false, Description = description, Schema = new OpenApiSchema { Type = type } });
    }
}
