using System.Diagnostics;
using System.Text;

namespace Edge.DataPlane;

/// <summary>Milliseconds per stage of one data-plane compilation, for the debug log and the change-cost bench.</summary>
internal sealed class CompileStages
{
    private readonly StringBuilder _text = new();
    private long _last = Stopwatch.GetTimestamp();

    public void Mark(string stage)
    {
        var now = Stopwatch.GetTimestamp();
        if (_text.Length > 0) _text.Append(' ');
        _text.Append(stage).Append('=').Append(Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        _last = now;
    }

    public override string ToString() => _text.ToString();
}
