#ifndef KETACLINIC_CLI_SVG_PLOT_H_
#define KETACLINIC_CLI_SVG_PLOT_H_

#include <string>
#include <vector>

namespace ketaclinic::cli {

// A small, dependency-free SVG line-plot writer for `--plot FILE.svg`. It draws what a clinician
// needs to read a concentration curve at a glance (axes from zero, light grid, legend, labelled
// reference lines) and nothing more; it is not a general charting library.

// One curve. Points whose x or y is NaN or infinite are skipped and break the line there.
// An empty colour takes the next colour of the Okabe–Ito palette (safe for colour-blind readers).
struct PlotSeries {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  std::string color;
  bool dashed = false;
};

// A shaded band between two curves (e.g. the 5th-95th percentile of a population).
struct PlotBand {
  std::string label;
  std::vector<double> x;
  std::vector<double> low;
  std::vector<double> high;
  std::string color;
};

// A horizontal dashed line across the plot, labelled at its right end.
struct ReferenceLine {
  double y = 0;
  std::string label;  // e.g. "dissociation 100 ng/mL"
};

struct PlotSpec {
  std::string title, subtitle, x_label, y_label;
  std::vector<PlotBand> bands;  // drawn first, under the series
  std::vector<PlotSeries> series;
  std::vector<ReferenceLine> reference_lines;
  int width = 900, height = 520;  // pixels; raised to a minimum of 320 x 200
};

// A complete standalone SVG 1.1 document (UTF-8). The legend sits beside the plot, or in rows
// under it when its labels would take more than 30% of the width. All text is XML-escaped and
// coordinates carry at most 2 decimals. Where more than 4 points of one curve fall in the same
// pixel column, only the first, lowest, highest and last of them are kept, which draws the same
// picture and keeps a 100k-point curve to a few tens of kilobytes; otherwise every finite point
// is written.
std::string RenderSvg(const PlotSpec& spec);

// Axis ticks at a step of 1, 2 or 5 × 10^k, the smallest such step that gives at most `target`
// intervals over [low, high]. The first tick is <= low and the last >= high. Degenerate input
// (low == high, reversed or non-finite bounds, target < 1) still gives at least two ticks.
// Example: NiceTicks(0, 189, 5) == {0, 50, 100, 150, 200}.
std::vector<double> NiceTicks(double low, double high, int target);

// The axes RenderSvg draws, exposed so tests and callers can check them without parsing SVG.
// y runs from min(0, lowest value) to the last nice tick above 105% of the highest data value
// or reference line; x runs exactly over the finite data (ticks outside it are dropped).
struct PlotAxes {
  double x_min = 0, x_max = 1;
  double y_min = 0, y_max = 1;
  std::vector<double> x_ticks, y_ticks;
  int x_decimals = 0, y_decimals = 0;  // of the tick labels
  bool has_data = false;               // false: nothing finite to plot
};
PlotAxes ComputeAxes(const PlotSpec& spec, int x_tick_target, int y_tick_target);

// `text` made safe for XML character data and attribute values: & < > " ' become entities,
// control characters that XML 1.0 forbids are dropped and invalid UTF-8 becomes U+FFFD.
std::string XmlEscape(const std::string& text);

// `value` with at most `decimals` decimals, trailing zeros dropped, never "-0", "nan" or "1e+04".
std::string FormatNumber(double value, int decimals);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_SVG_PLOT_H_
