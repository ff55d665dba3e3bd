namespace Edge.Model;

/// <summary>
/// Traefik's provider names and qualified names (<c>name@provider</c>), written once. The Ingress
/// provider's own objects are kept unqualified in the configuration Edge applies; every surface
/// that shows or counts them (API, metrics, access log, logs) qualifies them here.
/// </summary>
public static class ProviderNames
{
    public const string Kubernetes = "kubernetes";
    public const string KubernetesCrd = "kubernetescrd";
    public const string Internal = "internal";
    public const string File = "file";

    /// <summary>An object of the internal provider (api, dashboard, ping): shown by the API, never routed by the data plane.</summary>
    public static bool IsInternal(string qualifiedName) => qualifiedName.EndsWith("@" + Internal, StringComparison.Ordinal);

    /// <summary><paramref name="name"/> as Traefik shows it: already qualified, or with the implied provider.</summary>
    public static string Qualify(string name, string provider = Kubernetes) =>
        name.Contains('@') ? name : name + "@" + provider;

    /// <summary>The provider part of a name; unqualified names belong to <paramref name="implied"/>.</summary>
    public static string ProviderOf(string name, string implied = Kubernetes) =>
        name.IndexOf('@') is var at and >= 0 ? name[(at + 1)..] : implied;

    /// <summary>The unqualified name when it belongs to <paramref name="provider"/>, else null.</summary>
    public static string? Unqualified(string name, string provider = Kubernetes) =>
        !name.Contains('@') ? name
        : name.EndsWith("@" + provider, StringComparison.Ordinal) ? name[..^(provider.Length + 1)] : null;

    /// <summary>
    /// Where a reference made by the object stored under <paramref name="ownerKey"/> (a router, a
    /// service) is stored in the merged configuration: an unqualified reference belongs to the
    /// owner's provider (Traefik's GetQualifiedName), and the implied provider's objects are stored
    /// unqualified (see ConfigurationMerge).
    /// </summary>
    public static string Resolve(string reference, string ownerKey)
    {
        var qualified = Qualify(reference, ProviderOf(ownerKey));
        return Unqualified(qualified) ?? qualified;
    }
}
