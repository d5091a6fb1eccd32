using System.Globalization;
using System.Text;

namespace SignalRChannels.LoadTool.Run;

/// <summary>The run's result as Markdown: a header with the machine and command, then one table per scenario.</summary>
internal sealed class Report
{
    private readonly StringBuilder _text = new();

    /// <summary>Adds a line to the report and prints it at once, so a run cut short still shows what it measured.</summary>
    public void Line(string line = "")
    {
        _text.AppendLine(line);
        Console.Out.WriteLine(line);
    }

    public void Table(string title, string[] headers, IEnumerable<string[]> rows, params string[] notes)
    {
        Line($"### {title}");
        Line();
        Line("| " + string.Join(" | ", headers) + " |");
        Line("|" + string.Concat(headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in rows)
        {
            Line("| " + string.Join(" | ", row) + " |");
        }

        Line();
        foreach (var note in notes)
        {
            Line(note);
        }

        if (notes.Length > 0)
        {
            Line();
        }
    }

    public override string ToString() => _text.ToString();

    public static string N(double value, int decimals = 0) =>
        double.IsNaN(value) ? "–" : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "–" : value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Verdict(bool met) => met ? "met" : "**not met**";
}
