namespace Edge.Providers;

/// <summary>A problem found while translating one object; the object is skipped (or partly applied).</summary>
public sealed record TranslationIssue(string Kind, string Namespace, string Name, string Message)
{
    public override string ToString() => Namespace.Length == 0 ? $"{Kind} {Name}: {Message}" : $"{Kind} {Namespace}/{Name}: {Message}";
}
