namespace Edge.Render;

/// <summary>
/// An object that was skipped (or ignored) and why. <see cref="Location"/> names the file and
/// document it came from when it is known; <see cref="Object"/> is "Kind namespace/name".
/// </summary>
public sealed record RenderProblem(string? Location, string Object, string Message)
{
    public override string ToString() => (Location is null ? "" : Location + ": ") + Object + ": " + Message;
}
