#include "compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "progress.hpp"

namespace mobsim {

namespace {

constexpr const char* kAllCities = "all cities";

// The time indices a period covers: the state at `last`, flows summed over
// [first, last].
struct Period {
  std::string label;
  std::size_t first = 1, last = 0;
};

Period horizon(const RunOutput& run) {
  const std::size_t last = run.months.size() - 1;
  const int step_months = run.months.size() > 1 ? run.months[1] - run.months[0] : 1;
  const std::size_t year_steps = static_cast<std::size_t>(std::max(1, 12 / step_months));
  Period p;
  p.last = last;
  p.first = last >= year_steps ? last - year_steps + 1 : 1;
  // The date of the final state: the month after the last step began.
  const int month_index = run.step_year(last) * 12 + run.step_month(last) - 1 + step_months;
  char label[16];
  std::snprintf(label, sizeof label, "%04d-%02d", month_index / 12, month_index % 12 + 1);
  p.label = label;
  return p;
}

// Every step of the run, labelled by its first and last calendar years.
Period whole_run(const RunOutput& run) {
  Period p;
  p.first = 1;
  p.last = run.months.size() - 1;
  p.label = std::to_string(run.step_year(p.first)) + "-" + std::to_string(run.step_year(p.last));
  return p;
}

Period calendar_year(const RunOutput& run, int year) {
  Period p;
  p.label = std::to_string(year);
  p.first = 0;
  for (std::size_t t = 1; t < run.months.size(); ++t) {
    if (run.step_year(t) != year) continue;
    if (p.first == 0) p.first = t;
    p.last = t;
  }
  if (p.first == 0)
    throw CompareError("year " + std::to_string(year) + " is outside the runs (" + std::to_string(run.step_year(1)) +
                       " to " + std::to_string(run.step_year(run.months.size() - 1)) + ")");
  return p;
}

// The value of one replicate over a period: stocks and rates at its end,
// flows summed over it; a city index or every city (counts only).
double period_value(const SeriesData& s, std::size_t r, const Period& p, std::optional<std::size_t> city) {
  auto one = [&](std::size_t c) {
    if (s.kind != "flow") return s.at(r, p.last, c);
    double sum = 0;
    for (std::size_t t = p.first; t <= p.last; ++t) sum += s.at(r, t, c);
    return sum;
  };
  if (city) return one(*city);
  double total = 0;
  for (std::size_t c = 0; c < s.cities; ++c) total += one(c);
  return total;
}

void check_comparable(const std::vector<RunOutput>& runs) {
  if (runs.empty()) throw CompareError("no files to compare");
  const RunOutput& first = runs.front();
  for (const auto& run : runs) {
    if (run.cities != first.cities)
      throw CompareError(run.path.string() + " holds other cities than " + first.path.string() + " (" +
                         std::to_string(run.cities.size()) + " vs " + std::to_string(first.cities.size()) +
                         " cities, or another order): runs of different city sets cannot be compared");
    if (run.time_units != first.time_units || run.months != first.months)
      throw CompareError(run.path.string() + " has another calendar than " + first.path.string() + " ('" +
                         run.time_units + "', " + std::to_string(run.months.size()) + " time points vs '" +
                         first.time_units + "', " + std::to_string(first.months.size()) +
                         "): runs must start in the same month and have the same steps");
  }
}

std::vector<std::string> indicators_of(const std::vector<RunOutput>& runs, const CompareOptions& options) {
  std::vector<std::string> names = options.indicators;
  if (names.empty()) {
    // Headline series in the order the first file stores them.
    for (const auto& name : runs.front().series_order)
      if (runs.front().series.at(name).headline) names.push_back(name);
  }
  for (const auto& name : names)
    for (const auto& run : runs)
      if (!run.series.count(name))
        throw CompareError(run.path.string() + " has no series '" + name + "' (the models of its scenario do not write it)");
  return names;
}

bool counts(const SeriesData& s) { return s.kind != "rate"; }

struct Interval {
  double mean, p05, p95;
};

// Mean and 90% interval of the values that are numbers: a rate of an empty
// labour force is NaN and is left out (with the pair it belongs to), as
// scripts/mobsim/effects.py does.
Interval mean_and_interval(const std::vector<double>& values) {
  std::vector<double> numbers;
  double sum = 0;
  for (double v : values)
    if (!std::isnan(v)) {
      numbers.push_back(v);
      sum += v;
    }
  const double mean = numbers.empty() ? std::nan("") : sum / static_cast<double>(numbers.size());
  return {mean, quantile(numbers, 0.05), quantile(numbers, 0.95)};
}

}  // namespace

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

double parameter_share(const std::vector<double>& values, const std::vector<std::int32_t>& draw) {
  if (values.size() != draw.size() || values.empty()) return std::nan("");
  std::map<std::int32_t, std::vector<double>> groups;
  for (std::size_t r = 0; r < values.size(); ++r) {
    if (std::isnan(values[r])) return std::nan("");
    groups[draw[r]].push_back(values[r]);
  }
  std::size_t per_draw = values.size();
  for (const auto& [d, g] : groups) per_draw = std::min(per_draw, g.size());
  if (groups.size() < 2 || per_draw < 2) return std::nan("");
  const auto mean_of = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  const auto variance_of = [&](const std::vector<double>& v) {
    const double m = mean_of(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return s / static_cast<double>(v.size() - 1);
  };
  std::vector<double> means, within;
  for (const auto& [d, g] : groups) {
    means.push_back(mean_of(g));
    within.push_back(variance_of(g));
  }
  const double chance = mean_of(within);
  const double between = std::max(0.0, variance_of(means) - chance / static_cast<double>(per_draw));
  return between + chance > 0 ? between / (between + chance) : std::nan("");  // nothing varies: nothing to split
}

std::vector<ComparisonRow> compare_runs(const std::vector<RunOutput>& runs, const CompareOptions& options) {
  check_comparable(runs);
  const auto indicators = indicators_of(runs, options);
  std::vector<Period> periods{horizon(runs.front())};
  if (options.year) periods.push_back(calendar_year(runs.front(), *options.year));
  if (options.whole_run) periods.push_back(whole_run(runs.front()));
  std::vector<std::optional<std::size_t>> cities;
  for (const auto& name : options.cities) {
    const auto it = std::find(runs.front().cities.begin(), runs.front().cities.end(), name);
    if (it == runs.front().cities.end()) throw CompareError("no city '" + name + "' in " + runs.front().path.string());
    cities.emplace_back(static_cast<std::size_t>(it - runs.front().cities.begin()));
  }
  if (options.cities.empty())
    for (std::size_t c = 0; c < runs.front().cities.size(); ++c) cities.emplace_back(c);
  if (options.all_cities) cities.emplace_back(std::nullopt);

  std::vector<ComparisonRow> rows;
  for (const Period& period : periods)
    for (const auto& name : indicators)
      for (const auto& city : cities) {
        const SeriesData& base = runs.front().series.at(name);
        if (!city && !counts(base)) continue;  // rates do not add up over cities
        std::vector<double> base_values;
        for (std::size_t r = 0; r < base.replicates; ++r) base_values.push_back(period_value(base, r, period, city));
        for (std::size_t k = 0; k < runs.size(); ++k) {
          const SeriesData& s = runs[k].series.at(name);
          std::vector<double> values;
          for (std::size_t r = 0; r < s.replicates; ++r) values.push_back(period_value(s, r, period, city));
          ComparisonRow row;
          row.period = period.label;
          row.indicator = name;
          row.units = s.units;
          row.kind = s.kind;
          row.city = city ? runs[k].cities[*city] : kAllCities;
          row.run = runs[k].run_name;
          row.replicates = values.size();
          const Interval level = mean_and_interval(values);
          row.mean = level.mean;
          row.p05 = level.p05;
          row.p95 = level.p95;
          if (!runs[k].draw.empty()) row.parameter_share = parameter_share(values, runs[k].draw);
          if (k > 0) {
            // Paired by replicate when both runs used the same seeds (their
            // replicates share every draw the scenarios do not change);
            // otherwise every pair of replicates.
            row.paired = runs[k].replicate_seeds == runs.front().replicate_seeds && values.size() == base_values.size();
            std::vector<double> diffs;
            if (row.paired)
              for (std::size_t r = 0; r < values.size(); ++r) diffs.push_back(values[r] - base_values[r]);
            else
              for (double v : values)
                for (double b : base_values) diffs.push_back(v - b);
            const Interval difference = mean_and_interval(diffs);
            row.has_difference = true;
            row.diff_mean = difference.mean;
            row.diff_p05 = difference.p05;
            row.diff_p95 = difference.p95;
            row.within_noise = row.diff_p05 <= 0.0 && row.diff_p95 >= 0.0;
            if (row.paired && !runs[k].draw.empty() && runs[k].draw == runs.front().draw)
              row.diff_parameter_share = parameter_share(diffs, runs[k].draw);
          }
          rows.push_back(std::move(row));
        }
      }
  return rows;
}

namespace {

bool is_share(const ComparisonRow& row) {
  auto ends = [&](const std::string& suffix) {
    return row.indicator.size() > suffix.size() &&
           row.indicator.compare(row.indicator.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return row.units == "1" && (ends("_rate") || ends("_share"));
}

// Numbers for people: counts and money whole with thousands separators,
// shares in percent (differences in percentage points, one decimal), other
// values (indices) to three significant digits of the run's mean, and their
// differences to one decimal more, so that levels and differences line up.
std::string human(const ComparisonRow& row, double v, bool difference) {
  char buf[64];
  const bool whole_number = !is_share(row) && (row.kind != "rate" || row.units == "EUR per month");
  int decimals = 1;
  if (!is_share(row) && !whole_number) {
    const double scale = std::abs(row.mean) > 0 ? std::abs(row.mean) : std::max(std::abs(v), 1.0);
    decimals = std::clamp(2 - static_cast<int>(std::floor(std::log10(scale))), 0, 6) + (difference ? 1 : 0);
  }
  // No "-0.0": what rounds to zero at the shown precision is shown as zero.
  const double shown_zero_below =
      is_share(row) ? 0.0005 : whole_number ? 0.5 : 0.5 * std::pow(10.0, -decimals);
  if (std::abs(v) < shown_zero_below) v = 0.0;
  const std::string sign = difference && v > 0 ? "+" : "";
  if (is_share(row)) {
    std::snprintf(buf, sizeof buf, "%s%.1f%s", sign.c_str(), 100.0 * v, difference ? " pp" : "%");
    return buf;
  }
  if (whole_number) return sign + group_thousands(std::llround(v));
  std::snprintf(buf, sizeof buf, "%s%.*f", sign.c_str(), decimals, v);
  return buf;
}

std::string interval(const ComparisonRow& row, double mean, double lo, double hi, bool difference) {
  if (row.replicates < 2) return human(row, mean, difference);
  return human(row, mean, difference) + " [" + human(row, lo, difference) + ", " + human(row, hi, difference) + "]";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Text and markdown: per period and indicator, a table of cities; one
// column per run, and its difference against the first.
void print_tables(const std::vector<RunOutput>& runs, const std::vector<ComparisonRow>& rows, bool markdown,
                  std::ostream& out) {
  const std::size_t k = runs.size();
  out << (markdown ? "" : "mobsim compare: ");
  out << "baseline " << runs.front().run_name << " (" << runs.front().path.string() << ")";
  for (std::size_t i = 1; i < k; ++i) out << (i == 1 ? "; against it: " : ", ") << runs[i].run_name << " (" << runs[i].path.string() << ")";
  out << "\n";
  const std::size_t replicates = rows.empty() ? 0 : rows.front().replicates;
  out << (markdown ? "\n" : "") << "Mean over " << replicates << " replicate(s) [5th, 95th percentile]; stocks and rates at the date, "
      << "flows summed over the 12 months to it (or over the year, or the whole run); '~' marks a difference whose 90% interval "
         "includes 0 (within replicate noise)"
      << (rows.size() > 1 && rows[1].has_difference && !rows[1].paired ? "; runs with different seeds: unpaired differences" : "")
      << ".\n";
  bool over_draws = false;
  for (const auto& run : runs) over_draws = over_draws || !run.draw.empty();
  if (over_draws)
    out << (markdown ? "\n" : "") << "Runs over calibrated parameter draws: each interval combines the parameters' "
        << "uncertainty and chance; {P% parameters} says how much of its spread comes from the parameters, the rest "
        << "from chance.\n";
  const auto share_text = [](double share) {
    if (std::isnan(share)) return std::string();
    char text[48];
    std::snprintf(text, sizeof text, " {%.0f%% parameters}", 100.0 * share);
    return std::string(text);
  };
  for (std::size_t i = 0; i < rows.size();) {
    const ComparisonRow& head = rows[i];
    const std::string title = head.indicator + " (" + head.units + ", " + head.kind + "), " + head.period;
    std::vector<std::vector<std::string>> table;
    std::vector<std::string> header{"city"};
    for (std::size_t r = 0; r < k; ++r) {
      header.push_back(runs[r].run_name);
      if (r > 0) header.push_back("difference");
    }
    for (; i < rows.size() && rows[i].indicator == head.indicator && rows[i].period == head.period; i += k) {
      std::vector<std::string> line{rows[i].city};
      for (std::size_t r = 0; r < k; ++r) {
        const ComparisonRow& row = rows[i + r];
        line.push_back(interval(row, row.mean, row.p05, row.p95, false) + share_text(row.parameter_share));
        if (r > 0)
          line.push_back(interval(row, row.diff_mean, row.diff_p05, row.diff_p95, true) +
                         (row.replicates > 1 && row.within_noise ? " ~" : "") + share_text(row.diff_parameter_share));
      }
      table.push_back(line);
    }
    out << "\n" << (markdown ? "### " : "") << title << "\n" << (markdown ? "\n" : "");
    if (markdown) {
      auto row_text = [&](const std::vector<std::string>& cells) {
        std::string s = "|";
        for (const auto& c : cells) s += " " + c + " |";
        return s + "\n";
      };
      out << row_text(header);
      std::string rule = "|---|";
      for (std::size_t c = 1; c < header.size(); ++c) rule += "---:|";
      out << rule << "\n";
      for (const auto& line : table) out << row_text(line);
      continue;
    }
    std::vector<std::size_t> width(header.size(), 0);
    auto display = [](const std::string& s) {
      std::size_t w = 0;
      for (unsigned char ch : s) w += (ch & 0xC0) != 0x80;
      return w;
    };
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = display(header[c]);
    for (const auto& line : table)
      for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], display(line[c]));
    auto print_line = [&](const std::vector<std::string>& cells) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string pad(width[c] - display(cells[c]), ' ');
        out << (c == 0 ? cells[c] + pad : "  " + pad + cells[c]);
      }
      out << "\n";
    };
    print_line(header);
    for (const auto& line : table) print_line(line);
  }
}

}  // namespace

void print_comparison(const std::vector<RunOutput>& runs, const std::vector<ComparisonRow>& rows,
                      const CompareOptions& options, std::ostream& out) {
  if (options.format == "csv") {
    out << "period,indicator,units,kind,city,run,replicates,mean,p05,p95,diff_mean,diff_p05,diff_p95,paired,within_noise,"
           "parameter_share,diff_parameter_share\n";
    for (const auto& r : rows)
      out << csv_field(r.period) << "," << r.indicator << "," << csv_field(r.units) << "," << r.kind << ","
          << csv_field(r.city) << "," << csv_field(r.run) << "," << r.replicates << "," << number(r.mean) << ","
          << number(r.p05) << "," << number(r.p95) << ","
          << (r.has_difference ? number(r.diff_mean) + "," + number(r.diff_p05) + "," + number(r.diff_p95) + "," +
                                     (r.paired ? "true" : "false") + "," + (r.within_noise ? "true" : "false")
                               : std::string(",,,,"))
          << "," << (std::isnan(r.parameter_share) ? "" : number(r.parameter_share)) << ","
          << (std::isnan(r.diff_parameter_share) ? "" : number(r.diff_parameter_share)) << "\n";
    return;
  }
  if (options.format == "json") {
    out << "{\n  \"files\": [";
    for (std::size_t i = 0; i < runs.size(); ++i)
      out << (i ? ", " : "") << "{\"path\": " << json_string(runs[i].path.string())
          << ", \"run\": " << json_string(runs[i].run_name) << "}";
    out << "],\n  \"rows\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      out << "    {\"period\": " << json_string(r.period) << ", \"indicator\": " << json_string(r.indicator)
          << ", \"units\": " << json_string(r.units) << ", \"kind\": " << json_string(r.kind)
          << ", \"city\": " << json_string(r.city) << ", \"run\": " << json_string(r.run)
          << ", \"replicates\": " << r.replicates << ", \"mean\": " << number(r.mean) << ", \"p05\": " << number(r.p05)
          << ", \"p95\": " << number(r.p95);
      if (r.has_difference)
        out << ", \"diff_mean\": " << number(r.diff_mean) << ", \"diff_p05\": " << number(r.diff_p05)
            << ", \"diff_p95\": " << number(r.diff_p95) << ", \"paired\": " << (r.paired ? "true" : "false")
            << ", \"within_noise\": " << (r.within_noise ? "true" : "false");
      if (!std::isnan(r.parameter_share)) out << ", \"parameter_share\": " << number(r.parameter_share);
      if (!std::isnan(r.diff_parameter_share)) out << ", \"diff_parameter_share\": " << number(r.diff_parameter_share);
      out << "}" << (i + 1 < rows.size() ? "," : "") << "\n";
    }
    out << "  ]\n}\n";
    return;
  }
  print_tables(runs, rows, options.format == "markdown", out);
}

}  // namespace mobsim
