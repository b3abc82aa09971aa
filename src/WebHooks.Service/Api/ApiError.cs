namespace WebHooks.Service.Api;

/// <summary>Every refusal of the JSON API: <c>{"error": "..."}</c>, naming the field or the problem.</summary>
public sealed record ApiError(string Error)
{
    public static IResult BadRequest(string error) => Results.Json(new ApiError(error), statusCode: StatusCodes.Status400BadRequest);

    public static IResult Status(int statusCode, string error) => Results.Json(new ApiError(error), statusCode: statusCode);
}
