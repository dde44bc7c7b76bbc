#include "models/scenario/arrivals.h"

#include <charconv>
#include <cmath>
#include <numbers>
#include <string>

namespace kubesim::scenario {

double ArrivalProcess::RateAt(double t_seconds) const {
  if (kind == Kind::kPoisson) return rate;
  double phase = 2 * std::numbers::pi * (t_seconds - peak.ToSeconds()) / period.ToSeconds();
  return rate * (1 + amplitude * std::cos(phase));
}

double ArrivalProcess::MaxRate() const { return kind == Kind::kPoisson ? rate : rate * (1 + amplitude); }

double ArrivalProcess::ExpectedCount(sim::Duration start, sim::Duration end) const {
  if (end <= start) return 0;
  // The sinusoid integrates to at most period/π·amplitude·mean over any window; the bound with
  // the peak rate is close enough for a guard.
  return MaxRate() * (end - start).ToSeconds();
}

std::vector<sim::Duration> ArrivalProcess::Times(sim::Rng& rng, sim::Duration start, sim::Duration end,
                                                 int64_t cap) const {
  std::vector<sim::Duration> out;
  if (end <= start || cap <= 0) return out;
  const double lambda_max = MaxRate();
  const double t0 = start.ToSeconds();
  const double t_end = end.ToSeconds();
  double t = t0;
  while (static_cast<int64_t>(out.size()) < cap) {
    t += rng.Exponential(lambda_max);
    if (t >= t_end) break;
    if (kind == Kind::kDiurnal) {
      // Lewis–Shedler thinning: keep the candidate with probability λ(t)/λmax. The uniform is drawn
      // for every candidate, so the stream position never depends on the values.
      double u = rng.Uniform01();
      if (u * lambda_max >= RateAt(t)) continue;
    }
    sim::Duration at = sim::Duration::FromSecondsRounded(t);
    if (at >= end) break;
    out.push_back(at);
  }
  return out;
}

sim::StatusOr<double> ParseRate(const api::YamlNode& node) {
  KUBESIM_ASSIGN_OR_RETURN(std::string text, node.String());
  auto bad = [&](const std::string& why) {
    return node.Error("Invalid value \"" + text + "\": " + why +
                      " (a rate is COUNT/UNIT or COUNT/DURATION, e.g. 30/m, 0.5/s, 5/10m)");
  };
  size_t slash = text.find('/');
  if (slash == std::string::npos) return bad("no '/'");
  std::string count_text = text.substr(0, slash);
  std::string per = text.substr(slash + 1);
  double count = 0;
  if (count_text.find_first_not_of("0123456789.") != std::string::npos || !api::ParseDecimal(count_text, &count)) {
    return bad("the count must be a non-negative decimal number");
  }
  if (per.empty()) return bad("no unit after '/'");
  // A bare unit means one of it: `/m` is per minute.
  if (per.front() < '0' || per.front() > '9') per = "1" + per;
  auto window = sim::ParseDuration(per);
  if (!window.ok()) return bad(std::string(window.status().message()));
  if (*window <= sim::Duration::Zero()) return bad("the window must be positive");
  double r = count / window->ToSeconds();
  if (!(r > 0) || !std::isfinite(r)) return bad("must be greater than 0");
  return r;
}

sim::StatusOr<ArrivalProcess> ParseArrivals(const api::YamlNode& node) {
  if (!node.Defined()) return node.Error("Required value: {poisson: {rate: 30/m}} or {diurnal: {...}}");
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys({"poisson", "diurnal"}));
  if (node["poisson"].Defined() == node["diurnal"].Defined()) {
    return node.Error("Invalid value: give exactly one of poisson or diurnal");
  }
  ArrivalProcess p;
  if (node["poisson"].Defined()) {
    api::YamlNode args = node["poisson"];
    KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
    KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"rate"}));
    if (!args["rate"].Defined()) return args["rate"].Error("Required value: e.g. 30/m");
    KUBESIM_ASSIGN_OR_RETURN(p.rate, ParseRate(args["rate"]));
    return p;
  }
  api::YamlNode args = node["diurnal"];
  KUBESIM_RETURN_IF_ERROR(args.ExpectMap());
  KUBESIM_RETURN_IF_ERROR(args.CheckKeys({"mean", "amplitude", "period", "peak"}));
  p.kind = ArrivalProcess::Kind::kDiurnal;
  if (!args["mean"].Defined()) return args["mean"].Error("Required value: the mean rate, e.g. 30/m");
  KUBESIM_ASSIGN_OR_RETURN(p.rate, ParseRate(args["mean"]));
  if (!args["amplitude"].Defined()) return args["amplitude"].Error("Required value: 0..1, e.g. 0.6");
  KUBESIM_ASSIGN_OR_RETURN(p.amplitude, args["amplitude"].Number());
  if (!(p.amplitude >= 0 && p.amplitude <= 1)) {
    return args["amplitude"].Error("Invalid value: " + args["amplitude"].Scalar() + ": must be in [0, 1]");
  }
  if (args["period"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(p.period, args["period"].ToDuration());
    if (p.period <= sim::Duration::Zero()) return args["period"].Error("Invalid value: must be positive");
  }
  if (args["peak"].Defined()) {
    KUBESIM_ASSIGN_OR_RETURN(p.peak, args["peak"].ToDuration());
    if (p.peak < sim::Duration::Zero()) return args["peak"].Error("Invalid value: must not be negative");
  }
  return p;
}

}  // namespace kubesim::scenario
