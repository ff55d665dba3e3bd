using Edge.DataPlane.Routing.Rules;

namespace Edge.DataPlane.Routing.Table;

/// <summary>Result of <see cref="RouteTable.Compile"/>: the table of valid routers and the rejected ones.</summary>
public sealed class RouteTableCompilation(RouteTable table, IReadOnlyList<RuleError> errors)
{
    public RouteTable Table { get; } = table;

    /// <summary>Routers excluded from the table, in router-name order.</summary>
    public IReadOnlyList<RuleError> Errors { get; } = errors;
}
