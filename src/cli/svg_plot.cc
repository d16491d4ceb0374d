#include "cli/svg_plot.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string_view>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace ketaclinic::cli {
namespace {

// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of colour
// blindness. Yellow goes last because it is hard to see on white.
constexpr std::array<std::string_view, 8> kPalette = {
    "#0072B2",  // blue
    "#D55E00",  // vermillion
    "#009E73",  // bluish green
    "#CC79A7",  // reddish purple
    "#E69F00",  // orange
    "#56B4E9",  // sky blue
    "#000000",  // black
    "#F0E442",  // yellow
};

constexpr std::string_view kFontFamily = "Helvetica, Arial, sans-serif";
constexpr std::string_view kTextColor = "#222222";
constexpr std::string_view kMutedTextColor = "#555555";
constexpr std::string_view kGridColor = "#E3E3E3";
constexpr std::string_view kAxisColor = "#444444";
constexpr std::string_view kReferenceColor = "#666666";
constexpr std::string_view kSeriesDash = "7 4";
constexpr std::string_view kReferenceDash = "4 4";

constexpr int kMinWidth = 320;
constexpr int kMinHeight = 200;
constexpr double kPad = 16;
constexpr double kTitleSize = 18;
constexpr double kSubtitleSize = 13;
constexpr double kTickSize = 12;
constexpr double kAxisLabelSize = 13;
constexpr double kLegendSize = 13;
constexpr double kLegendRow = 22;
constexpr double kSwatchWidth = 28;
constexpr double kSeriesStroke = 2.25;

// A point on the canvas, in pixels.
struct Pt {
  double x;
  double y;
};

// Appends `value` rounded to 2 decimals with trailing zeros dropped: coordinates finer than a
// hundredth of a pixel only make the file larger.
void AppendCoord(std::string& out, double value) {
  char buffer[64];
  const auto result = fmt::format_to_n(buffer, sizeof(buffer) - 1, "{:.2f}", value);
  std::string_view text(buffer, result.size < sizeof(buffer) ? result.size : sizeof(buffer) - 1);
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0') text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
  }
  if (text == "-0") text = "0";
  out.append(text);
}

std::string Coord(double value) {
  std::string out;
  AppendCoord(out, value);
  return out;
}

// The number of Unicode code points, for estimating how wide a label is drawn.
size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// We cannot measure text without a font engine; 0.58 em per character is a slight overestimate
// for Helvetica/Arial, so the layout errs towards room to spare.
double TextWidth(std::string_view text, double font_size) {
  return 0.58 * font_size * static_cast<double>(CodePoints(text));
}

// The decimals a tick label needs at this step: 0 for steps >= 1, 1 for 0.1 to 0.5, and so on.
int DecimalsForStep(double step) {
  if (!(step > 0) || !std::isfinite(step)) return 0;
  const double exponent = std::floor(std::log10(step) + 1e-9);
  return exponent >= 0 ? 0 : static_cast<int>(std::min(-exponent, 15.0));
}

double Pow10(int exponent) { return std::pow(10.0, exponent); }

// The step NiceTicks uses, as multiplier × 10^exponent so ticks can be computed exactly.
struct NiceStep {
  int multiplier = 1;  // 1, 2 or 5
  int exponent = 0;
  double Value() const {
    return exponent >= 0 ? multiplier * Pow10(exponent) : multiplier / Pow10(-exponent);
  }
  // Tick `i` as the double nearest i × step: dividing by an exact power of ten avoids the
  // 0.30000000000000004 that multiplying by an inexact 0.1 gives.
  double Tick(int64_t i) const {
    const double units = static_cast<double>(i) * multiplier;
    return (exponent >= 0 ? units * Pow10(exponent) : units / Pow10(-exponent)) + 0.0;
  }
};

NiceStep ChooseStep(double span, int target) {
  const double raw = span / target;
  int exponent = static_cast<int>(std::floor(std::log10(raw)));
  const double scaled = raw / Pow10(exponent);
  // The smallest 1-2-5 multiplier at or above the raw step, allowing for rounding in `scaled`.
  for (const int multiplier : {1, 2, 5}) {
    if (multiplier >= scaled * (1 - 1e-9)) return {multiplier, exponent};
  }
  return {1, exponent + 1};
}

// Gives the range a visible width when all the data sit at one value.
std::pair<double, double> WidenDegenerate(double low, double high) {
  if (low != high) return {low, high};
  if (low == 0) return {0, 1};
  const double half = std::abs(low) * 0.1;
  return {low - half, high + half};
}

// A run of consecutive finite points: NaN or infinity ends a run, which breaks the line there.
template <typename IsFinite>
std::vector<std::pair<size_t, size_t>> FiniteRuns(size_t n, IsFinite is_finite) {
  std::vector<std::pair<size_t, size_t>> runs;  // [begin, end)
  size_t i = 0;
  while (i < n) {
    while (i < n && !is_finite(i)) ++i;
    const size_t begin = i;
    while (i < n && is_finite(i)) ++i;
    if (i > begin) runs.emplace_back(begin, i);
  }
  return runs;
}

// Keeps, of each group of consecutive points in the same pixel column, the first, the lowest,
// the highest and the last (the "M4" reduction). A line through those draws the same pixels as
// a line through all of them, and a 100k-point curve shrinks to about 4 points per column.
std::vector<Pt> ReduceToPixelColumns(const std::vector<Pt>& points) {
  std::vector<Pt> kept;
  kept.reserve(std::min<size_t>(points.size(), 4096));
  size_t i = 0;
  while (i < points.size()) {
    const double column = std::floor(points[i].x);
    size_t end = i + 1;
    while (end < points.size() && std::floor(points[end].x) == column) ++end;
    if (end - i <= 4) {
      kept.insert(kept.end(), points.begin() + static_cast<std::ptrdiff_t>(i),
                  points.begin() + static_cast<std::ptrdiff_t>(end));
    } else {
      size_t lowest = i, highest = i;
      for (size_t j = i; j < end; ++j) {
        if (points[j].y < points[lowest].y) lowest = j;
        if (points[j].y > points[highest].y) highest = j;
      }
      std::array<size_t, 4> picks = {i, lowest, highest, end - 1};
      std::sort(picks.begin(), picks.end());
      for (size_t k = 0; k < picks.size(); ++k) {
        if (k == 0 || picks[k] != picks[k - 1]) kept.push_back(points[picks[k]]);
      }
    }
    i = end;
  }
  return kept;
}

void AppendPoints(std::string& out, const std::vector<Pt>& points) {
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0) out += ' ';
    AppendCoord(out, points[i].x);
    out += ',';
    AppendCoord(out, points[i].y);
  }
}

bool SameColor(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char p, char q) {
           return std::tolower(static_cast<unsigned char>(p)) ==
                  std::tolower(static_cast<unsigned char>(q));
         });
}

// Hands out palette colours to series and bands that have none, skipping colours the caller
// chose explicitly so that a default never repeats an explicit curve's colour.
class DefaultColors {
 public:
  explicit DefaultColors(const PlotSpec& spec) {
    for (const std::string_view candidate : kPalette) {
      const auto used = [&](const std::string& color) { return SameColor(color, candidate); };
      const bool taken = std::any_of(spec.series.begin(), spec.series.end(),
                                     [&](const PlotSeries& s) { return used(s.color); }) ||
                         std::any_of(spec.bands.begin(), spec.bands.end(),
                                     [&](const PlotBand& b) { return used(b.color); });
      if (!taken) free_.push_back(candidate);
    }
    if (free_.empty()) free_.assign(kPalette.begin(), kPalette.end());
  }
  std::string Resolve(const std::string& color) {
    if (!color.empty()) return color;
    return std::string(free_[next_++ % free_.size()]);
  }

 private:
  std::vector<std::string_view> free_;
  size_t next_ = 0;
};

struct LegendEntry {
  std::string label;
  std::string color;
  bool dashed = false;
  bool band = false;
};

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        default:
          // XML 1.0 forbids control characters other than tab, newline and carriage return.
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A multi-byte UTF-8 sequence: copy it if well-formed, else write U+FFFD, so a label read
    // from a file in another encoding cannot make the whole document unreadable.
    size_t length = 0;
    uint32_t code_point = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      code_point = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      code_point = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      code_point = c & 0x07u;
    }
    bool valid = length > 0 && i + length <= n;
    for (size_t k = 1; valid && k < length; ++k) {
      valid = (bytes[i + k] & 0xC0) == 0x80;
      code_point = (code_point << 6) | (bytes[i + k] & 0x3Fu);
    }
    // Reject overlong forms, UTF-16 surrogates, code points past U+10FFFF and the two
    // non-characters XML forbids.
    valid = valid && !(length == 3 && code_point < 0x800) &&
            !(length == 4 && code_point < 0x10000) &&
            !(code_point >= 0xD800 && code_point <= 0xDFFF) && code_point <= 0x10FFFF &&
            code_point != 0xFFFE && code_point != 0xFFFF;
    if (valid) {
      out.append(text, i, length);
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string FormatNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  decimals = std::clamp(decimals, 0, 15);
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::vector<double> NiceTicks(double low, double high, int target) {
  if (!std::isfinite(low) || !std::isfinite(high)) {
    if (std::isfinite(low)) {
      high = low;
    } else if (std::isfinite(high)) {
      low = high;
    } else {
      low = 0;
      high = 1;
    }
  }
  if (low > high) std::swap(low, high);
  std::tie(low, high) = WidenDegenerate(low, high);
  target = std::max(target, 1);
  const double span = high - low;
  if (!std::isfinite(span) || !(span > 0)) return {low, high};
  const NiceStep step = ChooseStep(span, target);
  const double step_value = step.Value();
  // Beyond 2^53 the tick index cannot be represented exactly; such ranges have no nice ticks.
  constexpr double kMaxIndex = 9e15;
  if (std::abs(low / step_value) > kMaxIndex || std::abs(high / step_value) > kMaxIndex) {
    return {low, high};
  }
  // Start and end on ticks that cover [low, high], corrected for the rounding of low / step.
  auto first = static_cast<int64_t>(std::floor(low / step_value));
  if (step.Tick(first + 1) <= low) ++first;
  if (step.Tick(first) > low) --first;
  auto last = static_cast<int64_t>(std::ceil(high / step_value));
  if (step.Tick(last - 1) >= high) --last;
  if (step.Tick(last) < high) ++last;
  if (last <= first) last = first + 1;
  if (last - first > 10000) return {low, high};  // only from a rounding pathology
  std::vector<double> ticks;
  ticks.reserve(static_cast<size_t>(last - first + 1));
  for (int64_t i = first; i <= last; ++i) ticks.push_back(step.Tick(i));
  return ticks;
}

PlotAxes ComputeAxes(const PlotSpec& spec, int x_tick_target, int y_tick_target) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x_low = kInf, x_high = -kInf, y_low = kInf, y_high = -kInf;
  auto add = [&](double x, double y) {
    x_low = std::min(x_low, x);
    x_high = std::max(x_high, x);
    y_low = std::min(y_low, y);
    y_high = std::max(y_high, y);
  };
  for (const PlotSeries& s : spec.series) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) {
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) add(s.x[i], s.y[i]);
    }
  }
  for (const PlotBand& b : spec.bands) {
    const size_t n = std::min({b.x.size(), b.low.size(), b.high.size()});
    for (size_t i = 0; i < n; ++i) {
      if (std::isfinite(b.x[i]) && std::isfinite(b.low[i]) && std::isfinite(b.high[i])) {
        add(b.x[i], b.low[i]);
        add(b.x[i], b.high[i]);
      }
    }
  }
  PlotAxes axes;
  axes.has_data = x_low <= x_high;
  for (const ReferenceLine& line : spec.reference_lines) {
    if (!std::isfinite(line.y)) continue;
    y_low = std::min(y_low, line.y);
    y_high = std::max(y_high, line.y);
  }

  // x: exactly the data, so a 240-minute simulation ends at the right edge at 240.
  if (!axes.has_data) {
    x_low = 0;
    x_high = 1;
  }
  std::tie(axes.x_min, axes.x_max) = WidenDegenerate(x_low, x_high);
  const std::vector<double> x_candidates =
      NiceTicks(axes.x_min, axes.x_max, std::max(x_tick_target, 3));
  const double x_slack = (axes.x_max - axes.x_min) * 1e-9;
  for (const double tick : x_candidates) {
    if (tick >= axes.x_min - x_slack && tick <= axes.x_max + x_slack) axes.x_ticks.push_back(tick);
  }
  if (x_candidates.size() >= 2) {
    axes.x_decimals = DecimalsForStep(x_candidates[1] - x_candidates[0]);
  }

  // y: from zero (or below, should anything be negative) to a nice tick above the highest value,
  // with 5% headroom so the peak and the top reference line do not sit on the frame.
  if (!(y_low <= y_high)) y_low = y_high = 0;
  y_low = std::min(y_low, 0.0);
  y_high = std::max(y_high, 0.0);
  // Nothing above zero (no data, or all zero): a plain 0 to 1 axis rather than a collapsed one.
  const double headroom = y_high > 0 ? (y_high - y_low) * 0.05 : 0;
  if (y_high == y_low) y_high = y_low + 1;
  axes.y_ticks = NiceTicks(y_low, y_high + headroom, std::max(y_tick_target, 2));
  axes.y_min = axes.y_ticks.front();
  axes.y_max = axes.y_ticks.back();
  if (axes.y_ticks.size() >= 2) {
    axes.y_decimals = DecimalsForStep(axes.y_ticks[1] - axes.y_ticks[0]);
  }
  return axes;
}

std::string RenderSvg(const PlotSpec& spec) {
  const double width = std::max(spec.width, kMinWidth);
  const double height = std::max(spec.height, kMinHeight);

  // Colours and the legend, first: the legend's width shapes the plot area.
  DefaultColors defaults(spec);
  std::vector<std::string> series_colors, band_colors;
  for (const PlotSeries& s : spec.series) series_colors.push_back(defaults.Resolve(s.color));
  for (const PlotBand& b : spec.bands) band_colors.push_back(defaults.Resolve(b.color));
  std::vector<LegendEntry> legend;
  for (size_t i = 0; i < spec.series.size(); ++i) {
    if (spec.series[i].label.empty()) continue;
    legend.push_back({spec.series[i].label, series_colors[i], spec.series[i].dashed, false});
  }
  for (size_t i = 0; i < spec.bands.size(); ++i) {
    if (spec.bands[i].label.empty()) continue;
    legend.push_back({spec.bands[i].label, band_colors[i], false, true});
  }
  std::vector<double> entry_widths;
  double legend_width = 0;  // of the widest entry
  for (const LegendEntry& entry : legend) {
    entry_widths.push_back(kSwatchWidth + 8 + TextWidth(entry.label, kLegendSize));
    legend_width = std::max(legend_width, entry_widths.back());
  }
  // Beside the plot while that leaves the plot most of the canvas; otherwise in rows under it,
  // so a small canvas or long labels neither squeeze the plot nor run off the edge.
  const bool legend_beside = !legend.empty() && legend_width <= width * 0.3;
  std::vector<std::pair<double, int>> legend_flow;  // under the plot: x and row of each entry
  int legend_rows = 0;
  if (!legend.empty() && !legend_beside) {
    double x = kPad;
    legend_rows = 1;
    for (const double entry_width : entry_widths) {
      if (x > kPad && x + entry_width > width - kPad) {
        x = kPad;
        ++legend_rows;
      }
      legend_flow.emplace_back(x, legend_rows - 1);
      x += entry_width + 24;
    }
  }

  // A long title is set smaller rather than cut off (0.62 em is a wide bold character).
  const double title_size =
      std::clamp((width - 2 * kPad) / (0.62 * static_cast<double>(CodePoints(spec.title)) + 1),
                 11.0, kTitleSize);
  const double subtitle_size =
      std::clamp((width - 2 * kPad) / (0.58 * static_cast<double>(CodePoints(spec.subtitle)) + 1),
                 10.0, kSubtitleSize);

  // Vertical layout: title, subtitle, plot, tick labels, x label, legend rows.
  double top = kPad;
  const double title_baseline = top + title_size;
  if (!spec.title.empty()) top = title_baseline;
  const double subtitle_baseline = top + subtitle_size + (spec.title.empty() ? 0 : 6);
  if (!spec.subtitle.empty()) top = subtitle_baseline;
  top += spec.title.empty() && spec.subtitle.empty() ? 8 : 18;
  const double below_plot = spec.x_label.empty() ? 20 : 40;  // tick labels and the x label
  const double bottom =
      height - kPad - below_plot - (legend_rows > 0 ? legend_rows * kLegendRow + 4 : 0);

  // Tick density follows the plot size: about one label per 90 px across and 60 px up.
  const double approximate_plot_width =
      width - 2 * kPad - 60 - (legend_beside ? legend_width + 24 : 0);
  const int x_target = std::max(3, static_cast<int>(approximate_plot_width / 90));
  const int y_target = std::max(2, static_cast<int>((bottom - top) / 60));
  const PlotAxes axes = ComputeAxes(spec, x_target, y_target);

  std::vector<std::string> y_labels, x_labels;
  double widest_y_label = 0;
  for (const double tick : axes.y_ticks) {
    y_labels.push_back(FormatNumber(tick, axes.y_decimals));
    widest_y_label = std::max(widest_y_label, TextWidth(y_labels.back(), kTickSize));
  }
  for (const double tick : axes.x_ticks) x_labels.push_back(FormatNumber(tick, axes.x_decimals));

  // Horizontal layout: y label, tick labels, plot, legend.
  const double y_label_x = kPad + kAxisLabelSize;
  const double left = kPad + (spec.y_label.empty() ? 0 : kAxisLabelSize + 10) + widest_y_label + 10;
  // Half the last x tick label may stick out past the plot's right edge.
  const double last_x_label = x_labels.empty() ? 0 : TextWidth(x_labels.back(), kTickSize) / 2;
  const double right =
      width - kPad - (legend_beside ? legend_width + 24 : std::max(last_x_label, 4.0));
  const double plot_width = std::max(right - left, 10.0);
  const double plot_height = std::max(bottom - top, 10.0);
  const double x_span = axes.x_max - axes.x_min;
  const double y_span = axes.y_max - axes.y_min;
  auto to_x = [&](double x) { return left + (x - axes.x_min) / x_span * plot_width; };
  auto to_y = [&](double y) { return top + plot_height - (y - axes.y_min) / y_span * plot_height; };

  std::string out;
  out.reserve(16384);
  fmt::format_to(std::back_inserter(out),
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" "
                 "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"{2}\" fill=\"{3}\">\n",
                 Coord(width), Coord(height), kFontFamily, kTextColor);
  if (!spec.title.empty()) {
    fmt::format_to(std::back_inserter(out), "<title>{}</title>\n", XmlEscape(spec.title));
  }
  // An opaque background: a transparent plot turns unreadable in a dark-themed viewer.
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n";

  if (!spec.title.empty()) {
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\">{}</text>\n",
                   Coord(kPad), Coord(title_baseline), Coord(title_size), XmlEscape(spec.title));
  }
  if (!spec.subtitle.empty()) {
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\">{}</text>\n", Coord(kPad),
                   Coord(subtitle_baseline), Coord(subtitle_size), kMutedTextColor,
                   XmlEscape(spec.subtitle));
  }

  // Grid: light, crisp, under everything else.
  fmt::format_to(
      std::back_inserter(out),
      "<g class=\"grid\" stroke=\"{}\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n",
      kGridColor);
  for (const double tick : axes.y_ticks) {
    const std::string y = Coord(to_y(tick));
    fmt::format_to(std::back_inserter(out), "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                   Coord(left), y, Coord(left + plot_width), y);
  }
  for (const double tick : axes.x_ticks) {
    const std::string x = Coord(to_x(tick));
    fmt::format_to(std::back_inserter(out), "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", x,
                   Coord(top), x, Coord(top + plot_height));
  }
  out += "</g>\n";

  // Bands: translucent, so overlapping bands and the grid stay visible through them.
  for (size_t b = 0; b < spec.bands.size(); ++b) {
    const PlotBand& band = spec.bands[b];
    const size_t n = std::min({band.x.size(), band.low.size(), band.high.size()});
    fmt::format_to(std::back_inserter(out),
                   "<g class=\"band\" fill=\"{}\" fill-opacity=\"0.2\" stroke=\"none\">\n",
                   XmlEscape(band_colors[b]));
    const auto finite = [&](size_t i) {
      return std::isfinite(band.x[i]) && std::isfinite(band.low[i]) && std::isfinite(band.high[i]);
    };
    for (const auto& [begin, end] : FiniteRuns(n, finite)) {
      if (end - begin < 2) continue;  // a band of one point has no area
      std::vector<Pt> upper, lower;
      for (size_t i = begin; i < end; ++i) {
        upper.push_back({to_x(band.x[i]), to_y(band.high[i])});
        lower.push_back({to_x(band.x[i]), to_y(band.low[i])});
      }
      upper = ReduceToPixelColumns(upper);
      lower = ReduceToPixelColumns(lower);
      std::vector<Pt> outline = upper;
      outline.insert(outline.end(), lower.rbegin(), lower.rend());
      out += "<polygon points=\"";
      AppendPoints(out, outline);
      out += "\"/>\n";
      // Faint edges, so that where two bands overlap (plasma and effect site) each one's
      // bounds can still be followed.
      for (const std::vector<Pt>* edge : {&upper, &lower}) {
        out += "<polyline class=\"edge\" fill=\"none\" stroke=\"";
        out += XmlEscape(band_colors[b]);
        out += "\" stroke-opacity=\"0.55\" stroke-width=\"1\" points=\"";
        AppendPoints(out, *edge);
        out += "\"/>\n";
      }
    }
    out += "</g>\n";
  }

  // Reference lines under the curves, so a curve crossing one stays unbroken.
  std::vector<std::pair<double, const ReferenceLine*>> references;
  for (const ReferenceLine& line : spec.reference_lines) {
    if (std::isfinite(line.y)) references.emplace_back(to_y(line.y), &line);
  }
  if (!references.empty()) {
    fmt::format_to(std::back_inserter(out),
                   "<g class=\"reference\" stroke=\"{}\" stroke-width=\"1.25\" "
                   "stroke-dasharray=\"{}\">\n",
                   kReferenceColor, kReferenceDash);
    for (const auto& [y, line] : references) {
      fmt::format_to(std::back_inserter(out), "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                     Coord(left), Coord(y), Coord(left + plot_width), Coord(y));
    }
    out += "</g>\n";
  }

  // Series.
  for (size_t s = 0; s < spec.series.size(); ++s) {
    const PlotSeries& series = spec.series[s];
    const size_t n = std::min(series.x.size(), series.y.size());
    const std::string color = XmlEscape(series_colors[s]);
    fmt::format_to(std::back_inserter(out),
                   "<g class=\"series\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" "
                   "stroke-linejoin=\"round\" stroke-linecap=\"round\"{}>\n",
                   color, Coord(kSeriesStroke),
                   series.dashed ? fmt::format(" stroke-dasharray=\"{}\"", kSeriesDash) : "");
    const auto finite = [&](size_t i) {
      return std::isfinite(series.x[i]) && std::isfinite(series.y[i]);
    };
    for (const auto& [begin, end] : FiniteRuns(n, finite)) {
      if (end - begin == 1) {
        // A lone point between gaps would vanish as a one-point line; draw it as a dot.
        fmt::format_to(std::back_inserter(out),
                       "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\" stroke=\"none\"/>\n",
                       Coord(to_x(series.x[begin])), Coord(to_y(series.y[begin])), color);
        continue;
      }
      std::vector<Pt> points;
      points.reserve(end - begin);
      for (size_t i = begin; i < end; ++i) {
        points.push_back({to_x(series.x[i]), to_y(series.y[i])});
      }
      out += "<polyline points=\"";
      AppendPoints(out, ReduceToPixelColumns(points));
      out += "\"/>\n";
    }
    out += "</g>\n";
  }

  // Reference labels above the curves, on a white halo so a curve passing behind them does not
  // make them unreadable. Right-aligned at the line's end, above it unless that would leave
  // the plot.
  for (const auto& [y, line] : references) {
    if (line->label.empty()) continue;
    const double baseline = y - top < kTickSize + 6 ? y + kTickSize + 3 : y - 5;
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"end\" fill=\"{}\" "
                   "stroke=\"#FFFFFF\" stroke-width=\"3\" stroke-linejoin=\"round\" "
                   "paint-order=\"stroke\">{}</text>\n",
                   Coord(left + plot_width - 6), Coord(baseline), Coord(kTickSize), kMutedTextColor,
                   XmlEscape(line->label));
  }

  // Axes: a left and a bottom line, tick marks and tick labels.
  fmt::format_to(
      std::back_inserter(out),
      "<g class=\"axes\" stroke=\"{}\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n"
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n"
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
      kAxisColor, Coord(left), Coord(top), Coord(left), Coord(top + plot_height), Coord(left),
      Coord(top + plot_height), Coord(left + plot_width), Coord(top + plot_height));
  for (const double tick : axes.y_ticks) {
    const std::string y = Coord(to_y(tick));
    fmt::format_to(std::back_inserter(out), "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                   Coord(left - 5), y, Coord(left), y);
  }
  for (const double tick : axes.x_ticks) {
    const std::string x = Coord(to_x(tick));
    fmt::format_to(std::back_inserter(out), "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", x,
                   Coord(top + plot_height), x, Coord(top + plot_height + 5));
  }
  out += "</g>\n";
  fmt::format_to(std::back_inserter(out),
                 "<g class=\"y-ticks\" font-size=\"{}\" text-anchor=\"end\" fill=\"{}\">\n",
                 Coord(kTickSize), kMutedTextColor);
  for (size_t i = 0; i < axes.y_ticks.size(); ++i) {
    // +4 centres the digits' x-height on the tick.
    fmt::format_to(std::back_inserter(out), "<text x=\"{}\" y=\"{}\">{}</text>\n", Coord(left - 8),
                   Coord(to_y(axes.y_ticks[i]) + 4), y_labels[i]);
  }
  out += "</g>\n";
  fmt::format_to(std::back_inserter(out),
                 "<g class=\"x-ticks\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{}\">\n",
                 Coord(kTickSize), kMutedTextColor);
  for (size_t i = 0; i < axes.x_ticks.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "<text x=\"{}\" y=\"{}\">{}</text>\n",
                   Coord(to_x(axes.x_ticks[i])), Coord(top + plot_height + 5 + kTickSize + 3),
                   x_labels[i]);
  }
  out += "</g>\n";

  if (!spec.x_label.empty()) {
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   Coord(left + plot_width / 2), Coord(top + plot_height + 40),
                   Coord(kAxisLabelSize), XmlEscape(spec.x_label));
  }
  if (!spec.y_label.empty()) {
    const std::string x = Coord(y_label_x);
    const std::string y = Coord(top + plot_height / 2);
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{0}\" y=\"{1}\" font-size=\"{2}\" text-anchor=\"middle\" "
                   "transform=\"rotate(-90 {0} {1})\">{3}</text>\n",
                   x, y, Coord(kAxisLabelSize), XmlEscape(spec.y_label));
  }

  if (!axes.has_data) {
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"middle\" "
                   "fill=\"{}\">no data to plot</text>\n",
                   Coord(left + plot_width / 2), Coord(top + plot_height / 2), kMutedTextColor);
  }

  // Legend: a swatch drawn as the curve is drawn, then its label; one column top-aligned beside
  // the plot, or rows under the x label.
  if (!legend.empty()) {
    out += "<g class=\"legend\">\n";
    for (size_t i = 0; i < legend.size(); ++i) {
      const LegendEntry& entry = legend[i];
      const double x = legend_beside ? left + plot_width + 24 : legend_flow[i].first;
      const double row_y = legend_beside ? top + 8 + static_cast<double>(i) * kLegendRow
                                         : top + plot_height + below_plot + 4 + kLegendRow / 2 +
                                               legend_flow[i].second * kLegendRow;
      const std::string color = XmlEscape(entry.color);
      if (entry.band) {
        fmt::format_to(std::back_inserter(out),
                       "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" fill=\"{}\" "
                       "fill-opacity=\"0.2\" stroke=\"{}\" stroke-opacity=\"0.5\"/>\n",
                       Coord(x), Coord(row_y - 6), Coord(kSwatchWidth), color, color);
      } else {
        fmt::format_to(std::back_inserter(out),
                       "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
                       "stroke-width=\"{}\" stroke-linecap=\"round\"{}/>\n",
                       Coord(x), Coord(row_y), Coord(x + kSwatchWidth), Coord(row_y), color,
                       Coord(kSeriesStroke),
                       entry.dashed ? fmt::format(" stroke-dasharray=\"{}\"", kSeriesDash) : "");
      }
      fmt::format_to(std::back_inserter(out),
                     "<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>\n",
                     Coord(x + kSwatchWidth + 8), Coord(row_y + 4.5), Coord(kLegendSize),
                     XmlEscape(entry.label));
    }
    out += "</g>\n";
  }

  out += "</svg>\n";
  return out;
}

}  // namespace ketaclinic::cli
