namespace WebHooks.Management;

/// <summary>What every management function returns: an error code, its message and, on success, a result.</summary>
public sealed record Outcome<T>(ErrorCode Error, string Message, T? Result)
{
    public const string SuccessMessage = "successfully executed";

    public bool IsSuccess => Error == ErrorCode.Ok;

    public static Outcome<T> Success(T result) => new(ErrorCode.Ok, SuccessMessage, result);

    public static Outcome<T> Failure(ErrorCode error, string message) => new(error, message, default);

    public static Outcome<T> LoginFailed() => Failure(ErrorCode.LoginFailed, "login failed");

    public static Outcome<T> Missing(string parameter) => Failure(ErrorCode.MissingParameter, $"missing parameter: {parameter}");

    public static Outcome<T> Invalid(string parameter, string reason) =>
        Failure(ErrorCode.InvalidParameter, $"invalid parameter: {parameter}: {reason}");

    public static Outcome<T> NotFound() => Failure(ErrorCode.NotFound, "webhook not found");

    public static Outcome<T> Internal() => Failure(ErrorCode.Internal, "internal error");
}
