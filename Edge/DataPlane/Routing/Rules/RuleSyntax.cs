namespace Edge.DataPlane.Routing.Rules;

/// <summary>Traefik's two rule dialects; a router picks one with ruleSyntax ("v2" or "v3").</summary>
public enum RuleSyntax
{
    V3 = 0,
    V2 = 1,
}
