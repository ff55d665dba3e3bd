namespace Edge.DataPlane.Routing.Rules;

/// <summary>Which gorilla/mux template a v2 matcher argument is: it sets the default variable pattern and anchoring.</summary>
internal enum V2TemplateKind
{
    Host,
    Path,
    PathPrefix,
    Query,
}
