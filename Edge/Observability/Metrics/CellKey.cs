namespace Edge.Observability.Metrics;

/// <summary>Which family a request cell belongs to.</summary>
public enum CellScope : byte { EntryPoint, Router, Service }

/// <summary>
/// The label set of one request cell. A struct of references to strings that already exist
/// (entry point, qualified router/service names, interned method and protocol constants), so a
/// lookup hashes them without building a key string.
/// </summary>
/// <remarks><see cref="Namespace"/> is set only in tenancy mode (router and service series get a namespace label).</remarks>
public readonly record struct CellKey(CellScope Scope, string Name, string Service, int Code, string Method, string Protocol, string? Namespace = null);
