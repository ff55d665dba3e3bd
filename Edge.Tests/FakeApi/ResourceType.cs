namespace Edge.Tests.FakeApi;

/// <summary>One REST resource the fake serves, described the way the apiserver's discovery does.</summary>
internal sealed record ResourceType(
    string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatus, Type? ClrType)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>The URL prefix without namespace, e.g. /apis/networking.k8s.io/v1.</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
}
