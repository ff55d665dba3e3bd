namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// One document of a multi-document YAML manifest. <see cref="Index"/> counts the non-empty documents
/// of <see cref="Source"/> from 1, as a reader counts them. <see cref="Object"/> is null for a kind
/// Edge does not read (a Deployment) and for a document that failed, which then has an <see cref="Error"/>.
/// </summary>
public sealed record ManifestDocument(string Source, int Index, string? Kind, string? Namespace, string? Name, object? Object, string? Error)
{
    /// <summary>"file.yaml, document 2" — where a person finds the document.</summary>
    public string Location => $"{Source}, document {Index}";
}
