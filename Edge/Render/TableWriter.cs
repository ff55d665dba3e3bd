namespace Edge.Render;

/// <summary>Plain aligned columns (two spaces apart, no borders) so that grep and diff work on the output.</summary>
public static class TableWriter
{
    public static void Write(TextWriter w, string title, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        w.WriteLine($"{title} ({rows.Count})");
        if (rows.Count == 0) { w.WriteLine("  (none)"); w.WriteLine(); return; }
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in rows)
            for (int i = 0; i < widths.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        Line(w, headers, widths);
        foreach (var row in rows) Line(w, row, widths);
        w.WriteLine();
    }

    private static void Line(TextWriter w, IReadOnlyList<string> cells, int[] widths)
    {
        w.Write("  ");
        for (int i = 0; i < cells.Count; i++)
        {
            // The last column is not padded: no trailing blanks.
            w.Write(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }
        w.WriteLine();
    }
}
