using System.Text.Json.Nodes;

namespace Edge.Tests.FakeApi;

/// <summary>Carries a v1 Status out of the store so the handler answers with exactly that body and code.</summary>
internal sealed class ApiException(JsonObject status) : Exception((string?)status["message"])
{
    public JsonObject Status { get; } = status;

    public int Code => (int?)Status["code"] ?? 500;
}
