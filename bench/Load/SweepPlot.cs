using ScottPlot;

namespace Introspection.Bench.Load;

/// <summary>
/// The PNG of a sweep: registry (or etcd) stored bytes, watch bytes pushed and server CPU seconds of
/// every model that ran against the instance count, both axes logarithmic (the two models differ by orders of magnitude).
/// </summary>
internal static class SweepPlot
{
    public static void Write(IReadOnlyList<LoadRunResult> runs, string path)
    {
        var points = runs.Where(r => r.Models().Any()).OrderBy(r => r.Instances).ToList();
        var panels = new (string Title, string Unit, Func<PhaseResult, double> Value)[]
        {
            ("Registry stored bytes (peak)", "KiB", p => p.StoredBytes / 1024.0),
            ("Watch bytes pushed to consumers", "KiB", p => p.WatchBytes / 1024.0),
            ("Registry CPU seconds (all phases)", "s", p => p.RegistryCpuSeconds),
        };

        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (var k = 0; k < panels.Length; k++)
        {
            var plot = multiplot.GetPlot(k);
            var (title, unit, value) = panels[k];
            AddSeries(plot, points, r => r.Full, value, "full model", Colors.FireBrick);
            AddSeries(plot, points, r => r.FullEtcd, value, "full model on etcd 3.4", Colors.DarkOrange);
            AddSeries(plot, points, r => r.Introspection, value, "introspection", Colors.SteelBlue);
            plot.Axes.Left.TickGenerator = LogTicks();
            plot.Axes.Bottom.TickGenerator = LogTicks();
            plot.Title(title);
            plot.XLabel("instances (log scale)");
            plot.YLabel(unit + " (log scale)");
            plot.ShowLegend(Alignment.UpperLeft);
        }

        multiplot.SavePng(path, 1500, 480);
    }

    private static void AddSeries(Plot plot, List<LoadRunResult> points, Func<LoadRunResult, ModelResult?> model, Func<PhaseResult, double> value, string label, Color color)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var run in points)
        {
            var m = model(run);
            if (m is null)
            {
                continue;
            }

            xs.Add(Math.Log10(run.Instances));
            // Log axis: a zero would be -infinity, so floor at a value well below anything measured.
            ys.Add(Math.Log10(Math.Max(value(m.Total), 0.001)));
        }

        if (xs.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        scatter.LegendText = label;
        scatter.Color = color;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 7;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => FormatPower(Math.Pow(10, v)),
    };

    private static string FormatPower(double value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (value / 1_000).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
    };
}
