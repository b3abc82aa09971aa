using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace WebHooks.Service.Api;

/// <summary>
/// The OpenAPI document of <c>/api/*</c>, served at <see cref="Path"/>: the REST API's endpoints, their bodies and
/// answers, and its three ways to authenticate (API key header, bearer API key, HTTP Basic).
/// </summary>
public static class ApiDocument
{
    public const string Name = "v1";
    public const string Path = "/openapi/v1.json";

    public const string ApiKeyScheme = "apiKey";
    public const string BearerScheme = "bearer";
    public const string BasicScheme = "basic";

    public static void AddApiDocument(this IServiceCollection services) => services.AddOpenApi(Name, options =>
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        // The web serializer also reads numbers from strings, which the generator writes as "integer or string":
        // the API answers integers, and that is what clients should send.
        options.AddSchemaTransformer((schema, _, _) =>
        {
            if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer) && type.HasFlag(JsonSchemaType.String))
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, context, _) =>
        {
            if (context.ApplicationServices.GetService<IHttpContextAccessor>()?.HttpContext?.Request is { } request)
                document.Servers = [new OpenApiServer { Url = PublicBaseUrl.Of(request, context.ApplicationServices.GetRequiredService<WebHooksOptions>()) }];
            document.Info = new OpenApiInfo
            {
                Title = "WebHooks REST API",
                Version = Name,
                Description = "Publishing events, notifications and REST hooks (subscriptions for automation platforms such as Zapier). " +
                              "Authenticate with an API key (accounts apikey NAME) or HTTP Basic with the account's name and password.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiAuthentication.ApiKeyHeader,
                    Description = "An API key of the account (whk_...).",
                },
                [BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key of the account, as a bearer token.",
                },
                [BasicScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "basic", Description = "The account's name and password.",
                },
            };
            // Any one of the three will do: alternatives are separate requirements.
            document.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BasicScheme, document)] = [] },
            ];
            return Task.CompletedTask;
        });
    });

    public static void MapApiDocument(this WebApplication app) => app.MapOpenApi(Path.Replace(Name, "{documentName}"));

    /// <summary>
    /// Describes the endpoint's JSON body for the document only. <c>Accepts&lt;T&gt;()</c> would also make routing refuse
    /// other content types with a bare 415, before the endpoint's credentials check and its own JSON error.
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
