using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>
/// v1 Status bodies as the apiserver returns them for failures; clients (KubernetesClient's
/// HttpOperationException, Edge's watch loop) read code and reason from here, not only the HTTP status.
/// </summary>
internal static class ApiStatus
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static JsonObject Details(ResourceType type, string name) => new()
    {
        ["name"] = name,
        ["group"] = type.Group,
        ["kind"] = type.Plural,
    };

    public static JsonObject NotFound(ResourceType type, string name) => Failure(404, "NotFound",
        $"{Qualified(type)} \"{name}\" not found", Details(type, name));

    public static JsonObject AlreadyExists(ResourceType type, string name) => Failure(409, "AlreadyExists",
        $"{Qualified(type)} \"{name}\" already exists", Details(type, name));

    public static JsonObject Conflict(ResourceType type, string name) => Failure(409, "Conflict",
        $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": the object has been modified; " +
        "please apply your changes to the latest version and try again", Details(type, name));

    public static JsonObject Expired(string message) => Failure(410, "Expired", message);

    public static JsonObject BadRequest(string message) => Failure(400, "BadRequest", message);

    /// <summary>The reason string the apiserver pairs with a bare HTTP status (used for injected faults).</summary>
    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    };

    private static string Qualified(ResourceType type) =>
        type.Group.Length == 0 ? type.Plural : $"{type.Plural}.{type.Group}";
}
