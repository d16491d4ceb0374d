#include "cli/svg_plot.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketaclinic::cli {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------------------------
// A minimal XML reader, enough to prove the output well-formed (balanced tags, quoted unique
// attributes, only the five predefined or numeric entities, nothing after the root) and to
// query it. It decodes entities, so tests can compare text with what the caller passed in.

struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<Element> children;
  std::string text;  // character data directly inside, decoded

  std::string Attr(const std::string& key) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? "" : it->second;
  }
  // Every descendant (not this element) with the given name, in document order.
  void FindAll(const std::string& element_name, std::vector<const Element*>& found) const {
    for (const Element& child : children) {
      if (child.name == element_name) found.push_back(&child);
      child.FindAll(element_name, found);
    }
  }
  std::vector<const Element*> FindAll(const std::string& element_name) const {
    std::vector<const Element*> found;
    FindAll(element_name, found);
    return found;
  }
  std::vector<const Element*> GroupsOfClass(const std::string& css_class) const {
    std::vector<const Element*> groups;
    for (const Element* g : FindAll("g")) {
      if (g->Attr("class") == css_class) groups.push_back(g);
    }
    return groups;
  }
};

class XmlReader {
 public:
  explicit XmlReader(const std::string& text) : text_(text) {}

  // The root element, or an empty name and error() set.
  Element Parse() {
    Element root;
    if (text_.compare(0, 5, "<?xml") == 0) {
      const size_t end = text_.find("?>");
      if (end == std::string::npos) return Fail("unterminated XML declaration");
      pos_ = end + 2;
    }
    SkipSpace();
    if (!ParseElement(root)) return {};
    SkipSpace();
    if (pos_ != text_.size()) return Fail("content after the root element");
    return root;
  }
  const std::string& error() const { return error_; }

 private:
  Element Fail(const std::string& message) {
    if (error_.empty()) error_ = message + " at offset " + std::to_string(pos_);
    return {};
  }
  bool Error(const std::string& message) {
    Fail(message);
    return false;
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool ParseName(std::string& name) {
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
            text_[pos_] == '_' || text_[pos_] == ':' || text_[pos_] == '.')) {
      ++pos_;
    }
    name = text_.substr(start, pos_ - start);
    return !name.empty() || Error("expected a name");
  }
  // Decodes character data up to `stop`, rejecting '<' and bare '&'.
  bool Decode(const std::string& raw, std::string& decoded) {
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '<') return Error("raw '<' in text");
      if (raw[i] != '&') {
        decoded += raw[i];
        continue;
      }
      const size_t semicolon = raw.find(';', i);
      if (semicolon == std::string::npos) return Error("unterminated entity");
      const std::string entity = raw.substr(i + 1, semicolon - i - 1);
      static const std::map<std::string, std::string> kEntities = {
          {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
      if (const auto it = kEntities.find(entity); it != kEntities.end()) {
        decoded += it->second;
      } else if (entity.size() > 1 && entity[0] == '#') {
        decoded += '?';  // numeric references are legal; their value does not matter here
      } else {
        return Error("unknown entity &" + entity + ";");
      }
      i = semicolon;
    }
    return true;
  }
  bool ParseElement(Element& element) {
    if (pos_ >= text_.size() || text_[pos_] != '<') return Error("expected '<'");
    ++pos_;
    if (!ParseName(element.name)) return false;
    while (true) {
      const size_t before = pos_;
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unterminated start tag");
      if (text_.compare(pos_, 2, "/>") == 0) {
        pos_ += 2;
        return true;
      }
      if (text_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (pos_ == before) return Error("attributes must be separated by space");
      std::string key;
      if (!ParseName(key)) return false;
      if (pos_ >= text_.size() || text_[pos_] != '=') return Error("expected '=' after " + key);
      ++pos_;
      if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
        return Error("unquoted attribute " + key);
      }
      const char quote = text_[pos_++];
      const size_t end = text_.find(quote, pos_);
      if (end == std::string::npos) return Error("unterminated attribute " + key);
      std::string value;
      if (!Decode(text_.substr(pos_, end - pos_), value)) return false;
      if (!element.attributes.emplace(key, value).second) return Error("duplicate " + key);
      pos_ = end + 1;
    }
    // Content: text, comments and child elements up to the matching end tag.
    while (true) {
      const size_t lt = text_.find('<', pos_);
      if (lt == std::string::npos) return Error("missing </" + element.name + ">");
      if (!Decode(text_.substr(pos_, lt - pos_), element.text)) return false;
      pos_ = lt;
      if (text_.compare(pos_, 4, "<!--") == 0) {
        const size_t end = text_.find("-->", pos_);
        if (end == std::string::npos) return Error("unterminated comment");
        pos_ = end + 3;
      } else if (text_.compare(pos_, 2, "</") == 0) {
        pos_ += 2;
        std::string name;
        if (!ParseName(name)) return false;
        if (name != element.name) return Error("</" + name + "> closes <" + element.name + ">");
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != '>') return Error("bad end tag");
        ++pos_;
        return true;
      } else {
        Element child;
        if (!ParseElement(child)) return false;
        element.children.push_back(std::move(child));
      }
    }
  }

  const std::string& text_;
  size_t pos_ = 0;
  std::string error_;
};

// Parses `svg`, failing the test with the reader's message if it is not well-formed.
Element ParseSvg(const std::string& svg) {
  XmlReader reader(svg);
  Element root = reader.Parse();
  EXPECT_EQ(reader.error(), "") << svg.substr(0, 2000);
  EXPECT_EQ(root.name, "svg");
  return root;
}

// Also asks xmllint, where the machine has it; the built-in reader above is the real check.
void CheckWithXmllintIfPresent(const std::string& svg, const std::string& name) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return;
  const std::string path = ::testing::TempDir() + "svg_plot_test_" + name + ".svg";
  std::ofstream(path) << svg;
  EXPECT_EQ(std::system(("xmllint --noout '" + path + "'").c_str()), 0) << path;
}

size_t CountPoints(const std::string& points) {
  std::istringstream in(points);
  std::string pair;
  size_t count = 0;
  while (in >> pair) {
    EXPECT_NE(pair.find(','), std::string::npos) << pair;
    ++count;
  }
  return count;
}

bool ContainsIgnoringCase(const std::string& haystack, const std::string& needle) {
  std::string lower(haystack);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find(needle) != std::string::npos;
}

// The text of every <text> in the group of this class.
std::vector<std::string> TextsOf(const Element& root, const std::string& css_class) {
  std::vector<std::string> texts;
  for (const Element* group : root.GroupsOfClass(css_class)) {
    for (const Element* text : group->FindAll("text")) texts.push_back(text->text);
  }
  return texts;
}

// A one-compartment-like ketamine curve: 0.5 mg/kg over 40 min, Cp peaking near 180 ng/mL.
PlotSpec KetamineSpec(double step_min = 1) {
  PlotSpec spec;
  spec.title = "Predicted ketamine concentration, 35.0 mg in total";
  spec.subtitle = "Domino model, 70.0 kg, ke0 0.25 /min";
  spec.x_label = "time (min)";
  spec.y_label = "concentration (ng/mL)";
  PlotSeries plasma{"plasma (Cp)", {}, {}, "#0072B2"};
  PlotSeries effect{"effect site (Ce)", {}, {}, "#D55E00"};
  double cp = 0, ce = 0;
  for (double t = 0; t <= 240 + 1e-9; t += step_min) {
    plasma.x.push_back(t);
    effect.x.push_back(t);
    plasma.y.push_back(cp);
    effect.y.push_back(ce);
    const double rate = t < 40 ? 6.0 : 0;  // ng/mL per min delivered
    cp += step_min * (rate - 0.0155 * cp);
    ce += step_min * 0.25 * (cp - ce);
  }
  spec.series = {plasma, effect};
  spec.reference_lines = {{100, "dissociation 100 ng/mL"}, {250, "dissociation 250 ng/mL"}};
  return spec;
}

double MaxOf(const std::vector<double>& values) {
  return *std::max_element(values.begin(), values.end());
}

// ---------------------------------------------------------------------------------------------
// NiceTicks

TEST(NiceTicksTest, HandWorkedRanges) {
  // 189/5 = 37.8, next 1-2-5 step is 50.
  EXPECT_EQ(NiceTicks(0, 189, 5), (std::vector<double>{0, 50, 100, 150, 200}));
  // 240/6 = 40 -> 50; the range is covered, so the last tick passes 240.
  EXPECT_EQ(NiceTicks(0, 240, 6), (std::vector<double>{0, 50, 100, 150, 200, 250}));
  // 240/12 = 20 exactly: a step equal to the raw step is taken, not the next one.
  EXPECT_EQ(NiceTicks(0, 240, 12),
            (std::vector<double>{0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220, 240}));
  // 1/5 = 0.2; exact decimal ticks, not 0.6000000000000001.
  EXPECT_EQ(NiceTicks(0, 1, 5), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
  // 10000/4 = 2500 -> 5000.
  EXPECT_EQ(NiceTicks(0, 10000, 4), (std::vector<double>{0, 5000, 10000}));
  // 10/5 = 2; -3 floors to -4 and 7 ceils to 8.
  EXPECT_EQ(NiceTicks(-3, 7, 5), (std::vector<double>{-4, -2, 0, 2, 4, 6, 8}));
  // 0.074/4 = 0.0185 -> 0.02.
  EXPECT_EQ(NiceTicks(0.013, 0.087, 4), (std::vector<double>{0, 0.02, 0.04, 0.06, 0.08, 0.1}));
  // 0.3 is itself a tick at step 0.1, even though 0.3 / 0.1 rounds to 2.9999999999999996.
  EXPECT_EQ(NiceTicks(0.3, 0.7, 4), (std::vector<double>{0.3, 0.4, 0.5, 0.6, 0.7}));
  // 999000/5 = 199800 -> 200000.
  EXPECT_EQ(NiceTicks(1000, 1e6, 5),
            (std::vector<double>{0, 200000, 400000, 600000, 800000, 1000000}));
  // A range far from zero: 10/2 = 5.
  EXPECT_EQ(NiceTicks(1000, 1010, 2), (std::vector<double>{1000, 1005, 1010}));
}

TEST(NiceTicksTest, CoversTheRangeWithAUniformOneTwoFiveStep) {
  const std::vector<std::pair<double, double>> ranges = {
      {0, 1},      {0, 7.3},       {0, 183.2}, {2.5, 97}, {-40, 40},   {0.001, 0.0042},
      {0, 123456}, {1e-7, 3.1e-7}, {17, 18},   {0, 1e9},  {-5, -0.25}, {59.9, 60.1}};
  for (const auto& [low, high] : ranges) {
    for (int target = 1; target <= 12; ++target) {
      SCOPED_TRACE(testing::Message() << "[" << low << ", " << high << "] target " << target);
      const std::vector<double> ticks = NiceTicks(low, high, target);
      ASSERT_GE(ticks.size(), 2u);
      EXPECT_LE(ticks.front(), low);
      EXPECT_GE(ticks.back(), high);
      const double step = ticks[1] - ticks[0];
      const double mantissa = step / std::pow(10, std::floor(std::log10(step) + 1e-9));
      EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
                  std::abs(mantissa - 5) < 1e-6)
          << step;
      for (size_t i = 1; i < ticks.size(); ++i) {
        EXPECT_NEAR(ticks[i] - ticks[i - 1], step, step * 1e-6);
      }
      // The smallest step giving at most `target` intervals: covering needs at most 2 more.
      EXPECT_LE(ticks.size() - 1, static_cast<size_t>(target) + 2);
      EXPECT_LE((high - low) / step, target * (1 + 1e-9));
    }
  }
}

TEST(NiceTicksTest, DegenerateInputStillGivesAnAxis) {
  EXPECT_EQ(NiceTicks(0, 0, 5), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
  EXPECT_EQ(NiceTicks(10, 0, 2), (std::vector<double>{0, 5, 10}));  // reversed
  for (const auto& ticks : {NiceTicks(5, 5, 5), NiceTicks(kNaN, kNaN, 5), NiceTicks(0, kInf, 5),
                            NiceTicks(3, 8, 0), NiceTicks(-1e300, 1e300, 5)}) {
    ASSERT_GE(ticks.size(), 2u);
    EXPECT_LT(ticks.front(), ticks.back());
    for (const double tick : ticks) EXPECT_TRUE(std::isfinite(tick));
  }
  const std::vector<double> around_five = NiceTicks(5, 5, 5);
  EXPECT_LE(around_five.front(), 5);
  EXPECT_GE(around_five.back(), 5);
}

// ---------------------------------------------------------------------------------------------
// Text

TEST(FormatNumberTest, PrintsWithoutNoise) {
  EXPECT_EQ(FormatNumber(0, 0), "0");
  EXPECT_EQ(FormatNumber(30, 0), "30");
  EXPECT_EQ(FormatNumber(10000, 0), "10000");  // never 1e+04
  EXPECT_EQ(FormatNumber(1e6, 0), "1000000");
  EXPECT_EQ(FormatNumber(0.5, 1), "0.5");
  EXPECT_EQ(FormatNumber(1, 1), "1");  // the 1 between 0.5 and 1.5, not "1.0"
  EXPECT_EQ(FormatNumber(0.6000000000000001, 1), "0.6");
  EXPECT_EQ(FormatNumber(0.02, 2), "0.02");
  EXPECT_EQ(FormatNumber(-0.0, 0), "0");
  EXPECT_EQ(FormatNumber(-0.001, 2), "0");
  EXPECT_EQ(FormatNumber(-2.5, 1), "-2.5");
  EXPECT_EQ(FormatNumber(kNaN, 2), "0");
  EXPECT_EQ(FormatNumber(-kInf, 2), "0");
}

TEST(XmlEscapeTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(XmlEscape("a & b < c > d \"e\" 'f'"),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
  EXPECT_EQ(XmlEscape("&amp;"), "&amp;amp;");  // already-escaped text is escaped again
  EXPECT_EQ(XmlEscape(""), "");
}

TEST(XmlEscapeTest, KeepsUtf8AndDropsWhatXmlForbids) {
  EXPECT_EQ(XmlEscape("5th\xE2\x80\x93"
                      "95th \xC2\xB5g \xF0\x9F\x92\x89"),
            "5th\xE2\x80\x93"
            "95th \xC2\xB5g \xF0\x9F\x92\x89");  // en dash, micro, emoji
  EXPECT_EQ(XmlEscape(std::string("a\0b\x01"
                                  "c\td\ne",
                                  9)),
            "abc\td\ne");
  EXPECT_EQ(XmlEscape("caf\xE9"), "caf\xEF\xBF\xBD");            // Latin-1, not UTF-8
  EXPECT_EQ(XmlEscape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(XmlEscape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(XmlEscape("\xE2\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated
}

TEST(RenderSvgTest, EscapesEveryCallerString) {
  PlotSpec spec;
  const std::string nasty = "<script>alert('x')</script> & \"q\"";
  spec.title = "T " + nasty;
  spec.subtitle = "S " + nasty;
  spec.x_label = "X " + nasty;
  spec.y_label = "Y " + nasty;
  spec.series.push_back({"L " + nasty, {0, 1}, {1, 2}, "red\" onload=\"evil()"});
  spec.bands.push_back({"B " + nasty, {0, 1}, {0, 1}, {1, 2}, "#00F"});
  spec.reference_lines.push_back({1.5, "R " + nasty});
  const std::string svg = RenderSvg(spec);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("onload=\""), std::string::npos);
  const Element root = ParseSvg(svg);
  CheckWithXmllintIfPresent(svg, "escape");
  // Decoded, every text reads exactly as given.
  std::vector<std::string> texts;
  for (const Element* text : root.FindAll("text")) texts.push_back(text->text);
  for (const std::string prefix : {"T ", "S ", "X ", "Y ", "L ", "B ", "R "}) {
    EXPECT_NE(std::find(texts.begin(), texts.end(), prefix + nasty), texts.end()) << prefix;
  }
  ASSERT_EQ(root.GroupsOfClass("series").size(), 1u);
  EXPECT_EQ(root.GroupsOfClass("series")[0]->Attr("stroke"), "red\" onload=\"evil()");
}

// ---------------------------------------------------------------------------------------------
// Documents

TEST(RenderSvgTest, RealisticPlotIsWellFormedAndComplete) {
  const PlotSpec spec = KetamineSpec();
  const std::string svg = RenderSvg(spec);
  const Element root = ParseSvg(svg);
  CheckWithXmllintIfPresent(svg, "ketamine");
  EXPECT_EQ(root.Attr("xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_EQ(root.Attr("version"), "1.1");
  EXPECT_EQ(root.Attr("width"), "900");
  EXPECT_EQ(root.Attr("height"), "520");
  std::vector<std::string> texts;
  for (const Element* text : root.FindAll("text")) texts.push_back(text->text);
  for (const std::string& expected :
       {spec.title, spec.subtitle, spec.x_label, spec.y_label,
        std::string("dissociation 100 ng/mL"), std::string("dissociation 250 ng/mL")}) {
    EXPECT_NE(std::find(texts.begin(), texts.end(), expected), texts.end()) << expected;
  }
  // The y label is rotated to read bottom to top.
  bool rotated = false;
  for (const Element* text : root.FindAll("text")) {
    if (text->text == spec.y_label) rotated = text->Attr("transform").find("rotate(-90") == 0;
  }
  EXPECT_TRUE(rotated);
  // Tick labels are plain numbers.
  const std::vector<std::string> x_ticks = TextsOf(root, "x-ticks");
  const std::vector<std::string> y_ticks = TextsOf(root, "y-ticks");
  EXPECT_EQ(x_ticks.front(), "0");
  EXPECT_EQ(y_ticks.front(), "0");
  for (const auto* ticks : {&x_ticks, &y_ticks}) {
    for (const std::string& tick : *ticks) {
      EXPECT_EQ(tick.find_first_not_of("0123456789.-"), std::string::npos) << tick;
    }
  }
  // Grid and reference lines are drawn; the references dashed.
  ASSERT_EQ(root.GroupsOfClass("grid").size(), 1u);
  EXPECT_EQ(root.GroupsOfClass("grid")[0]->FindAll("line").size(), x_ticks.size() + y_ticks.size());
  ASSERT_EQ(root.GroupsOfClass("reference").size(), 1u);
  EXPECT_EQ(root.GroupsOfClass("reference")[0]->FindAll("line").size(), 2u);
  EXPECT_NE(root.GroupsOfClass("reference")[0]->Attr("stroke-dasharray"), "");
  EXPECT_LT(svg.size(), 30000u);  // 2 × 241 points at 2 decimals
}

TEST(RenderSvgTest, LegendListsEverySeriesAndBandWithItsStyle) {
  PlotSpec spec;
  spec.bands.push_back({"plasma 5th-95th percentile", {0, 1, 2}, {1, 2, 1}, {3, 4, 3}, "#0072B2"});
  spec.series.push_back({"plasma 50th percentile", {0, 1, 2}, {2, 3, 2}, "#0072B2"});
  spec.series.push_back({"target", {0, 2}, {2.5, 2.5}, "#000000", true});
  const Element root = ParseSvg(RenderSvg(spec));
  const std::vector<std::string> legend = TextsOf(root, "legend");
  EXPECT_EQ(legend, (std::vector<std::string>{"plasma 50th percentile", "target",
                                              "plasma 5th-95th percentile"}));
  const auto groups = root.GroupsOfClass("legend");
  ASSERT_EQ(groups.size(), 1u);
  // Swatches: a solid line, a dashed line, a filled box, each in its curve's colour.
  const auto lines = groups[0]->FindAll("line");
  const auto boxes = groups[0]->FindAll("rect");
  ASSERT_EQ(lines.size(), 2u);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(lines[0]->Attr("stroke"), "#0072B2");
  EXPECT_EQ(lines[0]->Attr("stroke-dasharray"), "");
  EXPECT_EQ(lines[1]->Attr("stroke"), "#000000");
  EXPECT_NE(lines[1]->Attr("stroke-dasharray"), "");
  EXPECT_EQ(boxes[0]->Attr("fill"), "#0072B2");
  // The dashed series is drawn dashed too, not just its swatch.
  const auto series = root.GroupsOfClass("series");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0]->Attr("stroke-dasharray"), "");
  EXPECT_NE(series[1]->Attr("stroke-dasharray"), "");
}

TEST(RenderSvgTest, SeriesWithoutAColourGetOkabeItoColoursNotAlreadyTaken) {
  PlotSpec spec;
  spec.series.push_back({"explicit blue", {0, 1}, {1, 2}, "#0072b2"});
  spec.series.push_back({"a", {0, 1}, {2, 3}, ""});
  spec.series.push_back({"b", {0, 1}, {3, 4}, ""});
  const Element root = ParseSvg(RenderSvg(spec));
  const auto series = root.GroupsOfClass("series");
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0]->Attr("stroke"), "#0072b2");
  EXPECT_EQ(series[1]->Attr("stroke"), "#D55E00");  // blue is taken, so vermillion
  EXPECT_EQ(series[2]->Attr("stroke"), "#009E73");
}

TEST(RenderSvgTest, NonFinitePointsAreSkippedAndBreakTheLine) {
  PlotSpec spec;
  spec.title = "gaps";
  // Finite runs: [0,1,2], [4,5], [7] alone, [9]; the infinite x and y drop points 3, 6 and 8.
  spec.series.push_back(
      {"with gaps", {0, 1, 2, 3, 4, 5, kInf, 7, 8, 9}, {1, 2, 3, kNaN, 5, 6, 7, 8, -kInf, 10}, ""});
  spec.bands.push_back({"band", {0, 1, 2, 3, 4}, {0, 0, kNaN, 0, 0}, {1, 1, 1, 1, kInf}, ""});
  spec.reference_lines.push_back({kNaN, "not a number"});
  const std::string svg = RenderSvg(spec);
  EXPECT_FALSE(ContainsIgnoringCase(svg, "nan")) << svg;
  EXPECT_FALSE(ContainsIgnoringCase(svg, "inf")) << svg;
  const Element root = ParseSvg(svg);
  CheckWithXmllintIfPresent(svg, "gaps");
  const auto series = root.GroupsOfClass("series");
  ASSERT_EQ(series.size(), 1u);
  const auto polylines = series[0]->FindAll("polyline");
  ASSERT_EQ(polylines.size(), 2u);
  EXPECT_EQ(CountPoints(polylines[0]->Attr("points")), 3u);
  EXPECT_EQ(CountPoints(polylines[1]->Attr("points")), 2u);
  EXPECT_EQ(series[0]->FindAll("circle").size(), 2u);  // points 7 and 9, alone between gaps
  // The band's finite runs are [0,1] and [3] (no area, so not drawn).
  const auto bands = root.GroupsOfClass("band");
  ASSERT_EQ(bands.size(), 1u);
  const auto polygons = bands[0]->FindAll("polygon");
  ASSERT_EQ(polygons.size(), 1u);
  EXPECT_EQ(CountPoints(polygons[0]->Attr("points")), 4u);
  const auto edges = bands[0]->FindAll("polyline");  // the faint upper and lower bounds
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_EQ(CountPoints(edges[0]->Attr("points")), 2u);
  // The axis is from the finite data only: x ends at 9 (from the lone point), y at >= 10.
  const PlotAxes axes = ComputeAxes(spec, 5, 5);
  EXPECT_EQ(axes.x_min, 0);
  EXPECT_EQ(axes.x_max, 9);
  EXPECT_GE(axes.y_max, 10);
}

TEST(RenderSvgTest, PolylineHasOnePointPerFinitePointGiven) {
  const PlotSpec spec = KetamineSpec(0.5);  // 481 points over ~600 px: none share a column
  const Element root = ParseSvg(RenderSvg(spec));
  const auto series = root.GroupsOfClass("series");
  ASSERT_EQ(series.size(), 2u);
  for (size_t s = 0; s < 2; ++s) {
    const auto polylines = series[s]->FindAll("polyline");
    ASSERT_EQ(polylines.size(), 1u);
    EXPECT_EQ(CountPoints(polylines[0]->Attr("points")), spec.series[s].x.size());
  }
}

TEST(RenderSvgTest, CoordinatesHaveAtMostTwoDecimals) {
  const std::string svg = RenderSvg(KetamineSpec(0.37));
  const Element root = ParseSvg(svg);
  for (const Element* polyline : root.FindAll("polyline")) {
    std::istringstream in(polyline->Attr("points"));
    std::string pair;
    while (in >> pair) {
      for (const std::string& number :
           {pair.substr(0, pair.find(',')), pair.substr(pair.find(',') + 1)}) {
        const size_t dot = number.find('.');
        if (dot != std::string::npos) {
          EXPECT_LE(number.size() - dot - 1, 2u) << number;
        }
        EXPECT_EQ(number.find('e'), std::string::npos) << number;
      }
    }
  }
}

TEST(RenderSvgTest, YAxisCoversTheDataAndReferenceLinesFromZero) {
  PlotSpec spec = KetamineSpec();
  const double data_max = std::max(MaxOf(spec.series[0].y), MaxOf(spec.series[1].y));
  ASSERT_GT(data_max, 150);  // the example peaks near 180 ng/mL
  ASSERT_LT(data_max, 250);
  PlotAxes axes = ComputeAxes(spec, 7, 6);
  EXPECT_EQ(axes.y_min, 0);
  EXPECT_GE(axes.y_max, 250);  // the upper reference line, above the data
  EXPECT_EQ(axes.y_ticks.back(), axes.y_max);
  EXPECT_EQ(axes.x_min, 0);
  EXPECT_EQ(axes.x_max, 240);
  EXPECT_EQ(axes.x_ticks.front(), 0);
  EXPECT_LE(axes.x_ticks.back(), 240);

  // And in the drawing: the top y tick label reads at least 250, and the reference line lies
  // inside the axis.
  const Element root = ParseSvg(RenderSvg(spec));
  EXPECT_GE(std::stod(TextsOf(root, "y-ticks").back()), 250);
  const auto axis_lines = root.GroupsOfClass("axes")[0]->FindAll("line");
  const double axis_top = std::stod(axis_lines[0]->Attr("y1"));
  for (const Element* line : root.GroupsOfClass("reference")[0]->FindAll("line")) {
    EXPECT_GE(std::stod(line->Attr("y1")), axis_top);
  }

  // Without reference lines the axis follows the data, with headroom.
  spec.reference_lines.clear();
  axes = ComputeAxes(spec, 7, 6);
  EXPECT_GE(axes.y_max, data_max * 1.05);
  EXPECT_LT(axes.y_max, 250);
}

TEST(RenderSvgTest, BandsCountTowardsTheAxis) {
  PlotSpec spec;
  spec.bands.push_back({"5th-95th", {0, 10}, {-2, 1}, {40, 420}, ""});
  spec.series.push_back({"median", {0, 10}, {10, 200}, ""});
  const PlotAxes axes = ComputeAxes(spec, 5, 5);
  EXPECT_LE(axes.y_min, -2);  // negative values are shown, not cut off
  EXPECT_GE(axes.y_max, 420);
  ParseSvg(RenderSvg(spec));
}

TEST(RenderSvgTest, EmptyInputGivesAValidDocumentWithASensibleAxis) {
  PlotSpec empty;
  const std::string svg = RenderSvg(empty);
  EXPECT_FALSE(ContainsIgnoringCase(svg, "nan"));
  EXPECT_FALSE(ContainsIgnoringCase(svg, "inf"));
  const Element root = ParseSvg(svg);
  CheckWithXmllintIfPresent(svg, "empty");
  EXPECT_EQ(TextsOf(root, "y-ticks").front(), "0");
  EXPECT_EQ(TextsOf(root, "y-ticks").back(), "1");
  EXPECT_EQ(root.GroupsOfClass("legend").size(), 0u);
  bool says_no_data = false;
  for (const Element* text : root.FindAll("text")) says_no_data |= text->text == "no data to plot";
  EXPECT_TRUE(says_no_data);

  // Series that exist but hold nothing finite, or nothing at all.
  PlotSpec hollow;
  hollow.series.push_back({"nothing", {}, {}, ""});
  hollow.series.push_back({"all missing", {kNaN, kNaN}, {1, 2}, ""});
  hollow.series.push_back({"y shorter than x", {1, 2, 3}, {}, ""});
  const std::string hollow_svg = RenderSvg(hollow);
  EXPECT_FALSE(ContainsIgnoringCase(hollow_svg, "nan"));
  ParseSvg(hollow_svg);
  EXPECT_EQ(TextsOf(ParseSvg(hollow_svg), "legend").size(), 3u);
}

TEST(RenderSvgTest, AllZeroDataGivesAZeroToOneAxis) {
  PlotSpec spec;
  spec.series.push_back({"zero", {0, 60, 120}, {0, 0, 0}, ""});
  const std::string svg = RenderSvg(spec);
  EXPECT_FALSE(ContainsIgnoringCase(svg, "nan"));
  const Element root = ParseSvg(svg);
  const PlotAxes axes = ComputeAxes(spec, 5, 5);
  EXPECT_EQ(axes.y_min, 0);
  EXPECT_EQ(axes.y_max, 1);
  EXPECT_EQ(TextsOf(root, "y-ticks").back(), "1");
  EXPECT_EQ(TextsOf(root, "x-ticks").back(), "120");

  // A single point: both axes get a width.
  PlotSpec single;
  single.series.push_back({"one", {30}, {0}, ""});
  const PlotAxes single_axes = ComputeAxes(single, 5, 5);
  EXPECT_LT(single_axes.x_min, 30);
  EXPECT_GT(single_axes.x_max, 30);
  EXPECT_FALSE(ContainsIgnoringCase(RenderSvg(single), "nan"));
}

TEST(RenderSvgTest, LargeValuesAreLabelledInFull) {
  PlotSpec spec;
  spec.series.push_back({"big", {0, 20000}, {0, 94000}, ""});
  const Element root = ParseSvg(RenderSvg(spec));
  for (const auto* group : {"x-ticks", "y-ticks"}) {
    for (const std::string& label : TextsOf(root, group)) {
      EXPECT_EQ(label.find('e'), std::string::npos) << label;
    }
  }
  const std::vector<std::string> x_ticks = TextsOf(root, "x-ticks");
  EXPECT_NE(std::find(x_ticks.begin(), x_ticks.end(), "10000"), x_ticks.end());
  EXPECT_EQ(TextsOf(root, "y-ticks").back(), "100000");  // 94000 plus 5% headroom
}

TEST(RenderSvgTest, LongLegendMovesUnderThePlotOnASmallCanvas) {
  PlotSpec spec = KetamineSpec();
  spec.width = 560;
  spec.height = 340;
  spec.series[0].label = "plasma concentration, 50th percentile of 1000 patients";
  const Element root = ParseSvg(RenderSvg(spec));
  const auto axis_lines = root.GroupsOfClass("axes")[0]->FindAll("line");
  const double plot_bottom = std::stod(axis_lines[1]->Attr("y1"));
  const double plot_width =
      std::stod(axis_lines[1]->Attr("x2")) - std::stod(axis_lines[1]->Attr("x1"));
  EXPECT_GT(plot_width, 560 * 0.75);  // the legend does not squeeze the plot
  const auto legend = root.GroupsOfClass("legend");
  ASSERT_EQ(legend.size(), 1u);
  const auto texts = legend[0]->FindAll("text");
  ASSERT_EQ(texts.size(), 2u);
  for (const Element* text : texts) {
    EXPECT_GT(std::stod(text->Attr("y")), plot_bottom + 30);  // under the x label
    EXPECT_LT(std::stod(text->Attr("y")), 340);
    EXPECT_GE(std::stod(text->Attr("x")), 0);
  }
}

TEST(RenderSvgTest, TinySizesAreRaisedToAMinimum) {
  PlotSpec spec = KetamineSpec();
  spec.width = 10;
  spec.height = -5;
  const Element root = ParseSvg(RenderSvg(spec));
  EXPECT_EQ(root.Attr("width"), "320");
  EXPECT_EQ(root.Attr("height"), "200");
}

TEST(RenderSvgTest, HundredThousandPointsRenderQuicklyAndCompactly) {
  PlotSpec spec;
  spec.title = "100k points";
  PlotSeries noisy{"noisy", {}, {}, ""};
  const size_t n = 100000;
  for (size_t i = 0; i < n; ++i) {
    const double t = 240.0 * static_cast<double>(i) / (n - 1);
    noisy.x.push_back(t);
    // A smooth curve plus a spike, to prove the reduction keeps extremes.
    noisy.y.push_back(100 + 50 * std::sin(t / 20) + (i == 54321 ? 500 : 0));
  }
  spec.series.push_back(noisy);
  spec.bands.push_back({"band", noisy.x, std::vector<double>(n, 10), noisy.y, ""});
  const auto start = std::chrono::steady_clock::now();
  const std::string svg = RenderSvg(spec);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);  // generous: this runs under sanitizers too
  EXPECT_LT(svg.size(), 150000u);
  const Element root = ParseSvg(svg);
  const auto polylines = root.GroupsOfClass("series")[0]->FindAll("polyline");
  ASSERT_EQ(polylines.size(), 1u);
  // The spike to 550+ is still the highest point drawn (smallest SVG y).
  std::istringstream in(polylines[0]->Attr("points"));
  std::string pair;
  double min_y = kInf;
  while (in >> pair) min_y = std::min(min_y, std::stod(pair.substr(pair.find(',') + 1)));
  const double axis_top = std::stod(root.GroupsOfClass("axes")[0]->FindAll("line")[0]->Attr("y1"));
  const double y_max = std::stod(TextsOf(root, "y-ticks").back());
  const double plot_height =
      std::stod(root.GroupsOfClass("axes")[0]->FindAll("line")[0]->Attr("y2")) - axis_top;
  const double spike = 100 + 50 * std::sin(240.0 * 54321 / (n - 1) / 20) + 500;
  EXPECT_NEAR(min_y, axis_top + plot_height * (1 - spike / y_max), 0.02);
}

}  // namespace
}  // namespace ketaclinic::cli
