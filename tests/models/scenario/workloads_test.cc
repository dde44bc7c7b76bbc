// spec.workloads: generators (Poisson and diurnal arrivals, correlated lognormal requests,
// lifetimes) and trace replay (kubesim and openb CSV). Statistical checks use fixed seeds, so each
// is exact; the bounds are the documented ranges a correct sampler lands in, not tuned values.
#include "models/scenario/workloads.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "models/api/pod.h"
#include "models/cluster/components.h"
#include "models/scenario/scenario.h"
#include "models/scenario/trace_replay.h"
#include "tests/support/temp_dir.h"

namespace kubesim::scenario {
namespace {

using testing::TempDir;

std::string Src(const std::string& rel) { return std::string(KUBESIM_SOURCE_DIR) + "/" + rel; }

const char* kHead =
    "apiVersion: kubesim.io/v1alpha1\n"
    "kind: Scenario\n"
    "metadata: {name: w}\n"
    "spec:\n"
    "  duration: 10h\n"
    "  workloads:\n";

// One generator entry (lines 7..) with the given arrivals/resources/lifetime lines.
std::string Generator(const std::string& extra, const std::string& arrivals = "{poisson: {rate: 30/m}}") {
  return "    - name: batch\n"
         "      arrivals: " +
         arrivals +
         "\n"
         "      template: {apiVersion: v1, kind: Pod, metadata: {labels: {tier: batch}}, spec: {containers: [{name: c, "
         "image: busybox}]}}\n" +
         extra;
}

Scenario LoadText(const std::string& body, const std::string& file = "w.yaml") {
  auto sc = LoadScenarioFromString(std::string(kHead) + body, file);
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  return std::move(sc).value();
}

std::vector<GeneratedPod> PodsOf(const Scenario& sc, uint64_t seed, size_t source = 0) {
  sim::RandomStreams streams(seed);
  REQUIRE(sc.workloads.size() > source);
  return sc.workloads[source]->Pods(streams, sc.duration);
}

double Cpu(const api::Pod& p) { return static_cast<double>(p.spec.containers[0].requests.at("cpu").MilliValue()); }
double Mem(const api::Pod& p) { return static_cast<double>(p.spec.containers[0].requests.at("memory").Value()); }

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  double n = static_cast<double>(x.size()), mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST_CASE("Workloads: a generator follows the run's seed, byte for byte", "[workloads]") {
  Scenario sc =
      LoadText(Generator("      resources: {cpu: {median: 500m, sigma: 0.6}, memory: {median: 1Gi, sigma: 0.8}}\n"
                         "      lifetime: {median: 10m, sigma: 1.0}\n"));
  auto digest = [](const std::vector<GeneratedPod>& pods) {
    std::string s;
    for (const auto& p : pods) {
      s += p.pod->metadata.name + "@" + std::to_string(p.at.nanos()) + ":" +
           p.pod->spec.containers[0].requests.at("cpu").text() + "," +
           p.pod->spec.containers[0].requests.at("memory").text() + "," +
           p.pod->metadata.annotations.at(api::kRunDurationAnnotation) + ";";
    }
    return s;
  };
  auto a = PodsOf(sc, 5), b = PodsOf(sc, 5), c = PodsOf(sc, 6);
  REQUIRE(!a.empty());
  CHECK(digest(a) == digest(b));
  CHECK(digest(a) != digest(c));
  CHECK(a[0].pod->metadata.name == "batch-0");
  CHECK(a[0].pod->metadata.labels.at("tier") == "batch");
  CHECK(a[0].pod->metadata.labels.at(kWorkloadLabel) == "batch");
  CHECK(a[0].pod->spec.restart_policy == "Never");  // a finite lifetime, no restartPolicy in the template
  for (size_t i = 1; i < a.size(); ++i) CHECK(a[i - 1].at <= a[i].at);
}

TEST_CASE("Workloads: Poisson arrivals over 10h land within 5 sigma of rate x window", "[workloads]") {
  Scenario sc = LoadText(Generator(""));
  // 30/m for 10h: mean 18000, sd sqrt(18000) ≈ 134; ±5 sd = [17330, 18670].
  for (uint64_t seed : {1, 2, 3}) {
    auto pods = PodsOf(sc, seed);
    INFO("seed " << seed << ": " << pods.size());
    CHECK(pods.size() >= 17330);
    CHECK(pods.size() <= 18670);
    CHECK(pods.back().at < sim::Duration::Hours(10));
  }
}

TEST_CASE("Workloads: start, end and count bound a generator", "[workloads]") {
  Scenario sc = LoadText(Generator("      start: 1h\n      end: 2h\n"));
  auto pods = PodsOf(sc, 1);
  REQUIRE(!pods.empty());
  CHECK(pods.front().at >= sim::Duration::Hours(1));
  CHECK(pods.back().at < sim::Duration::Hours(2));
  Scenario capped = LoadText(Generator("      count: 7\n"));
  CHECK(PodsOf(capped, 1).size() == 7);
  // The run's horizon (RunOptions.until) also ends the arrivals.
  sim::RandomStreams streams(1);
  auto short_run = capped.workloads[0]->Pods(streams, sim::Duration::Seconds(1));
  CHECK(short_run.size() <= 2);
}

TEST_CASE("Workloads: diurnal arrivals are denser at the peak than at the trough", "[workloads]") {
  Scenario sc = LoadText(Generator("", "{diurnal: {mean: 10/m, amplitude: 0.8, period: 10h, peak: 5h}}"));
  auto pods = PodsOf(sc, 11);
  // λ runs from 2/m (t = 0, 10h) to 18/m (t = 5h). Count the 2h around each.
  int peak = 0, trough = 0;
  for (const auto& p : pods) {
    if (p.at >= sim::Duration::Hours(4) && p.at < sim::Duration::Hours(6)) ++peak;
    if (p.at < sim::Duration::Hours(1) || p.at >= sim::Duration::Hours(9)) ++trough;
  }
  INFO(peak << " at the peak, " << trough << " at the trough, " << pods.size() << " in all");
  // Expected: peak ≈ 120·(10 + 8·sin(π/5)/(π/5)) ≈ 1948; trough ≈ 120·(10 − 7.48) ≈ 303.
  CHECK(peak > 4 * trough);
  // The mean rate over whole periods is the mean: 6000 ± 5 sd (sd ≈ 77).
  CHECK(pods.size() > 5600);
  CHECK(pods.size() < 6400);
}

TEST_CASE("Workloads: correlated lognormal requests have the requested medians and correlation", "[workloads]") {
  Scenario sc =
      LoadText(Generator("      count: 20000\n"
                         "      resources:\n"
                         "        cpu: {median: 500m, sigma: 0.6}\n"
                         "        memory: {median: 1Gi, sigma: 0.8}\n"
                         "        correlation: {cpu/memory: 0.7}\n"
                         "        limitRatio: {cpu: 2}\n",
                         "{poisson: {rate: 100/s}}"));
  auto pods = PodsOf(sc, 3);
  REQUIRE(pods.size() == 20000);
  std::vector<double> lc, lm;
  for (const auto& p : pods) {
    lc.push_back(std::log(Cpu(*p.pod)));
    lm.push_back(std::log(Mem(*p.pod)));
    const auto& c = p.pod->spec.containers[0];
    CHECK(c.limits.at("cpu").MilliValue() == 2 * c.requests.at("cpu").MilliValue());
    CHECK(c.limits.count("memory") == 0);
  }
  // Sampling error of r at n = 20000, ρ = 0.7: about (1−ρ²)/√n ≈ 0.004; rounding to 1m/1Ki adds less.
  CHECK(Pearson(lc, lm) == Approx(0.7).margin(0.02));
  std::sort(lc.begin(), lc.end());
  std::sort(lm.begin(), lm.end());
  CHECK(std::exp(lc[lc.size() / 2]) == Approx(500).epsilon(0.03));
  CHECK(std::exp(lm[lm.size() / 2]) == Approx(1024.0 * 1024 * 1024).epsilon(0.03));
  // Log-space standard deviations are the sigmas.
  auto sd = [](const std::vector<double>& v) {
    double m = 0, s = 0;
    for (double x : v) m += x / static_cast<double>(v.size());
    for (double x : v) s += (x - m) * (x - m) / static_cast<double>(v.size());
    return std::sqrt(s);
  };
  CHECK(sd(lc) == Approx(0.6).epsilon(0.03));
  CHECK(sd(lm) == Approx(0.8).epsilon(0.03));
}

TEST_CASE("Workloads: a correlation matrix in listed order, negative correlations included", "[workloads]") {
  Scenario sc =
      LoadText(Generator("      count: 20000\n"
                         "      resources:\n"
                         "        memory: {median: 256Mi, sigma: 0.5}\n"
                         "        cpu: {median: 2, sigma: 0.5}\n"
                         "        ephemeral-storage: {median: 1Gi, sigma: 0}\n"
                         "        correlation: [[1, -0.5, 0], [-0.5, 1, 0], [0, 0, 1]]\n",
                         "{poisson: {rate: 100/s}}"));
  auto pods = PodsOf(sc, 9);
  std::vector<double> lc, lm;
  for (const auto& p : pods) {
    lc.push_back(std::log(Cpu(*p.pod)));
    lm.push_back(std::log(Mem(*p.pod)));
    // sigma 0: a fixed request.
    CHECK(p.pod->spec.containers[0].requests.at("ephemeral-storage").Value() == 1024ll * 1024 * 1024);
  }
  CHECK(Pearson(lc, lm) == Approx(-0.5).margin(0.02));
}

TEST_CASE("Workloads: lifetimes become the run-duration annotation", "[workloads]") {
  SECTION("fixed") {
    Scenario sc = LoadText(Generator("      count: 3\n      lifetime: 5m\n"));
    for (const auto& p : PodsOf(sc, 1)) {
      CHECK(p.pod->metadata.annotations.at(api::kRunDurationAnnotation) == "5m0s");
      CHECK(p.pod->spec.restart_policy == "Never");
    }
  }
  SECTION("omitted: runs forever, restartPolicy as the template says") {
    Scenario sc = LoadText(Generator("      count: 3\n"));
    for (const auto& p : PodsOf(sc, 1)) {
      CHECK(p.pod->metadata.annotations.count(api::kRunDurationAnnotation) == 0);
      CHECK(p.pod->spec.restart_policy == "Always");
    }
  }
  SECTION("a template's restartPolicy is kept") {
    Scenario sc = LoadText(
        "    - name: svc\n      arrivals: {poisson: {rate: 1/s}}\n      count: 2\n      lifetime: {median: 1m, sigma: "
        "0.5}\n"
        "      template: {apiVersion: v1, kind: Pod, spec: {restartPolicy: OnFailure, containers: [{name: c}]}}\n");
    for (const auto& p : PodsOf(sc, 1)) CHECK(p.pod->spec.restart_policy == "OnFailure");
  }
}

TEST_CASE("Workloads: kubesim CSV replay gives the trace's times, requests and labels", "[workloads]") {
  TempDir dir;
  std::string path =
      dir.Write("s.yaml", std::string(kHead) + "    - trace: {file: " + Src("tests/data/traces/small-kubesim.csv") +
                              ", format: kubesim, start: 1m}\n");
  auto sc = LoadScenario(path);
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  auto pods = PodsOf(*sc, 1);
  REQUIRE(pods.size() == 4);
  // Sorted by submit time; t-3 (10 s) comes before t-2 (30 s).
  CHECK(pods[0].pod->metadata.name == "t-0");
  CHECK(pods[0].at == sim::Duration::Minutes(1));
  CHECK(pods[1].at == sim::Duration::Minutes(1) + sim::Duration::Milliseconds(1500));
  CHECK(pods[2].pod->metadata.name == "t-3");
  CHECK(pods[3].pod->metadata.name == "t-2");
  CHECK(pods[3].at == sim::Duration::Seconds(90));
  const api::Pod& t0 = *pods[0].pod;
  CHECK(t0.metadata.namespace_ == "default");
  CHECK(t0.spec.containers[0].requests.at("cpu").MilliValue() == 500);
  CHECK(t0.spec.containers[0].limits.at("memory").Value() == 2ll << 30);
  CHECK(t0.metadata.annotations.at(api::kRunDurationAnnotation) == "1m0s");
  CHECK(t0.spec.restart_policy == "Never");
  CHECK(t0.metadata.labels.at(kOwnerLabel) == "job-a");
  CHECK(t0.metadata.labels.at(kTraceLabel) == "small-kubesim");
  const api::Pod& t1 = *pods[1].pod;
  CHECK(t1.metadata.namespace_ == "team-b");
  CHECK(t1.spec.priority_class_name == "high");
  const api::Pod& t2 = *pods[3].pod;
  CHECK(t2.spec.containers[0].requests.at("nvidia.com/gpu").Value() == 1);
  CHECK(t2.spec.containers[0].limits.at("nvidia.com/gpu").Value() == 1);
  CHECK(t2.metadata.annotations.count(api::kRunDurationAnnotation) == 0);
  CHECK(t2.spec.restart_policy == "Always");
}

TEST_CASE("Workloads: CSV with a byte order mark, CRLF, quotes and blank lines reads as plain CSV", "[workloads]") {
  TempDir dir;
  dir.Write("t.csv",
            "\xEF\xBB\xBFsubmit_time,name,cpu_request,memory_request,owner\r\n"
            "\r\n"
            " 2 ,\"q-0\",\"250m\",1Gi,\"a\"\r\n"
            "1m,q-1,,,\r\n");
  std::string path = dir.Write("s.yaml", std::string(kHead) + "    - trace: {file: t.csv, timeScale: 0.5, limit: 2}\n");
  auto sc = LoadScenario(path);
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  auto pods = PodsOf(*sc, 1);
  REQUIRE(pods.size() == 2);
  CHECK(pods[0].pod->metadata.name == "q-0");
  CHECK(pods[0].at == sim::Duration::Seconds(1));  // 2 s at timeScale 0.5
  CHECK(pods[0].pod->spec.containers[0].requests.at("cpu").MilliValue() == 250);
  CHECK(pods[0].pod->metadata.labels.at(kOwnerLabel) == "a");
  CHECK(pods[1].at == sim::Duration::Seconds(30));
  CHECK(pods[1].pod->spec.containers[0].requests.empty());
}

TEST_CASE("Workloads: openb CSV replay maps the Alibaba GPU trace's columns", "[workloads]") {
  TempDir dir;
  std::string path =
      dir.Write("s.yaml", std::string(kHead) + "    - trace: {file: " + Src("tests/data/traces/small-openb.csv") +
                              ", format: openb, speedup: 10, namespace: gpu}\n");
  auto sc = LoadScenario(path);
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  auto pods = PodsOf(*sc, 1);
  REQUIRE(pods.size() == 4);
  // creation_time relative to the first (1000), divided by the speedup.
  CHECK(pods[0].at == sim::Duration::Zero());
  CHECK(pods[1].at == sim::Duration::Seconds(1));
  CHECK(pods[2].at == sim::Duration::Seconds(10));
  CHECK(pods[3].at == sim::Duration::Seconds(20));
  const api::Pod& ob0 = *pods[0].pod;
  CHECK(ob0.metadata.namespace_ == "gpu");
  CHECK(ob0.spec.containers[0].requests.at("cpu").MilliValue() == 4000);
  CHECK(ob0.spec.containers[0].requests.at("memory").Value() == 8192ll << 20);
  CHECK(ob0.spec.containers[0].requests.at(kGpuResource).Value() == 1);
  CHECK(ob0.metadata.labels.at(kOpenbQosLabel) == "LS");
  CHECK(ob0.metadata.annotations.at(api::kRunDurationAnnotation) == "1m0s");  // 600 s / 10
  // ob-1 ran from scheduled (1020) to deletion (1100): 80 s, 8 s at speedup 10; no GPU.
  CHECK(pods[1].pod->metadata.annotations.at(api::kRunDurationAnnotation) == "8s");
  CHECK(pods[1].pod->spec.containers[0].requests.count(kGpuResource) == 0);
  const api::Pod& ob2 = *pods[2].pod;
  CHECK(ob2.spec.containers[0].limits.at(kGpuResource).Value() == 2);
  CHECK(ob2.metadata.annotations.at(api::kExitCodeAnnotation) == "1");
  REQUIRE(ob2.spec.affinity.node_affinity);
  REQUIRE(ob2.spec.affinity.node_affinity->required);
  const auto& req = ob2.spec.affinity.node_affinity->required->terms.at(0).match_expressions.at(0);
  CHECK(req.key == kOpenbGpuModelLabel);
  CHECK(req.values == std::vector<std::string>{"V100M16", "V100M32"});
  // Never deleted in the trace: runs forever.
  CHECK(pods[3].pod->metadata.annotations.count(api::kRunDurationAnnotation) == 0);
}

TEST_CASE("Workloads: a run creates generated and replayed pods at their times, with the run's seed", "[workloads]") {
  TempDir dir;
  std::string path = dir.Write(
      "s.yaml",
      "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nmetadata: {name: run}\nspec:\n"
      "  duration: 10m\n"
      "  apiServer: {requestLatency: 0s, watchDelay: 0s}\n"
      "  objects:\n"
      "    - inline: {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 100}\n"
      "    - inline: {apiVersion: v1, kind: Namespace, metadata: {name: team-b}}\n"
      "    - count: 2\n"
      "      template: {apiVersion: v1, kind: Node, metadata: {name: 'n{{i}}'}, status: {capacity: {cpu: '64', memory: "
      "256Gi, pods: '110', nvidia.com/gpu: '4'}}}\n"
      "  workloads:\n"
      "    - name: gen\n      arrivals: {poisson: {rate: 6/m}}\n      lifetime: 2m\n"
      "      template: {apiVersion: v1, kind: Pod, spec: {containers: [{name: c, image: busybox}]}}\n"
      "      resources: {cpu: {median: 200m, sigma: 0.3}}\n"
      "    - trace: {file: " +
          Src("tests/data/traces/small-kubesim.csv") + "}\n");
  auto sc = LoadScenario(path);
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  auto run = [&](uint64_t seed) {
    cluster::RunOptions opts;
    opts.seed = seed;
    cluster::Cluster c(*sc, opts);
    REQUIRE(c.Start().ok());
    c.Run();
    CHECK(c.CheckInvariants() == std::vector<std::string>{});
    return c.Results();
  };
  report::RunResults a = run(1), b = run(1), c = run(2);
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(a.fingerprint != c.fingerprint);
  // The generator's pods are the ones Pods() gives for the run's seed, created at those times.
  sim::RandomStreams streams(1);
  auto want = sc->workloads[0]->Pods(streams, sc->duration);
  REQUIRE(!want.empty());
  std::map<std::string, const report::PodRecord*> by_name;
  for (const auto& p : a.pods) by_name[p.name] = &p;
  for (const auto& w : want) {
    INFO(w.pod->metadata.name);
    REQUIRE(by_name.count(w.pod->metadata.name));
    REQUIRE(by_name[w.pod->metadata.name]->created);
    CHECK(*by_name[w.pod->metadata.name]->created == sim::Time::Zero() + w.at);
  }
  // Trace pods: created at their submit times; t-0 ran its 60 s and succeeded.
  REQUIRE(by_name.count("t-2"));
  CHECK(*by_name["t-2"]->created == sim::Time::Zero() + sim::Duration::Seconds(30));
  CHECK(by_name["t-0"]->phase == "Succeeded");
  CHECK(by_name["t-1"]->namespace_ == "team-b");
  CHECK(by_name["t-2"]->phase == "Running");
}

TEST_CASE("Workloads: the workload-mix example runs its generator and its GPU trace", "[workloads]") {
  auto sc = LoadScenario(Src("scenarios/workload-mix.yaml"));
  INFO((sc.ok() ? "" : sc.status().message()));
  REQUIRE(sc.ok());
  REQUIRE(sc->workloads.size() == 2);
  cluster::Cluster c(*sc);
  REQUIRE(c.Start().ok());
  c.Run();
  CHECK(c.CheckInvariants() == std::vector<std::string>{});
  report::RunResults r = c.Results();
  int batch = 0;
  std::map<std::string, const report::PodRecord*> by_name;
  for (const auto& p : r.pods) {
    by_name[p.name] = &p;
    if (p.name.rfind("batch-", 0) == 0) ++batch;
  }
  // 20/m on average over the 2h period: 2400 ± 5 sd (sd ≈ 49).
  CHECK(batch > 2150);
  CHECK(batch < 2650);
  // train-002 asks for a V100M32 and gets one; eval-003 failed in the trace and fails here.
  REQUIRE(by_name.count("train-002"));
  CHECK(by_name["train-002"]->node.rfind("v100m32-", 0) == 0);
  REQUIRE(by_name.count("eval-003"));
  CHECK(by_name["eval-003"]->phase == "Failed");
  CHECK(by_name["cpu-007"]->phase == "Running");
}

struct BadRow {
  const char* what;
  std::string body;           // after kHead (6 lines)
  std::string want_location;  // "LINE:COL: field" in the scenario, or "FILE:LINE:COL" for CSV rows
  std::string want_text;
  std::string csv = "";  // written as t.csv beside the scenario
};

TEST_CASE("Workloads: bad input names file, line, column and field", "[workloads]") {
  const std::string tmpl = "      template: {apiVersion: v1, kind: Pod, spec: {containers: [{name: c}]}}\n";
  const std::string head = "    - name: g\n      arrivals: {poisson: {rate: 1/s}}\n" + tmpl;
  const std::string kcsv_header = "submit_time,name,cpu_request,memory_request,duration\n";
  const std::string ocsv_header =
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";
  std::vector<BadRow> rows = {
      {"missing name", "    - arrivals: {poisson: {rate: 1/s}}\n" + tmpl, "7:7: spec.workloads[0].name",
       "Required value"},
      {"name with capitals", "    - name: Batch\n      arrivals: {poisson: {rate: 1/s}}\n" + tmpl,
       "7:13: spec.workloads[0].name", "RFC 1123 label"},
      {"duplicate name", head + head, "10:13: spec.workloads[1].name", "Duplicate value: \"g\""},
      {"unknown key", head + "      burst: 3\n", "10:7: spec.workloads[0].burst", "unknown field \"burst\""},
      {"zero rate", "    - name: g\n      arrivals: {poisson: {rate: 0/s}}\n" + tmpl,
       "8:34: spec.workloads[0].arrivals.poisson.rate", "must be greater than 0"},
      {"rate without a unit", "    - name: g\n      arrivals: {poisson: {rate: 30}}\n" + tmpl,
       "8:34: spec.workloads[0].arrivals.poisson.rate", "no '/'"},
      {"both processes",
       "    - name: g\n      arrivals: {poisson: {rate: 1/s}, diurnal: {mean: 1/s, amplitude: 0}}\n" + tmpl,
       "8:17: spec.workloads[0].arrivals", "exactly one of poisson or diurnal"},
      {"amplitude above 1", "    - name: g\n      arrivals: {diurnal: {mean: 1/s, amplitude: 1.5}}\n" + tmpl,
       "8:50: spec.workloads[0].arrivals.diurnal.amplitude", "must be in [0, 1]"},
      {"too many pods", "    - name: g\n      arrivals: {poisson: {rate: 1000/s}}\n" + tmpl,
       "8:17: spec.workloads[0].arrivals", "more than 1000000"},
      {"template that is no Pod",
       "    - name: g\n      arrivals: {poisson: {rate: 1/s}}\n      template: {apiVersion: v1, kind: Namespace}\n",
       "9:40: spec.workloads[0].template.kind", "a Pod manifest"},
      {"unknown resource", head + "      resources: {gpu: {median: 1}}\n", "10:24: spec.workloads[0].resources.gpu",
       "Unsupported value: \"gpu\""},
      {"negative sigma", head + "      resources: {cpu: {median: 1, sigma: -1}}\n",
       "10:43: spec.workloads[0].resources.cpu.sigma", "must be in [0, 10]"},
      {"zero median", head + "      resources: {cpu: {median: 0}}\n", "10:33: spec.workloads[0].resources.cpu.median",
       "greater than 0"},
      {"correlation above 1",
       head + "      resources: {cpu: {median: 1}, memory: {median: 1Gi}, correlation: {cpu/memory: 1.2}}\n",
       "10:86: spec.workloads[0].resources.correlation.cpu/memory", "must be in [-1, 1]"},
      {"correlation of an unlisted resource",
       head + "      resources: {cpu: {median: 1}, correlation: {cpu/memory: 0.5}}\n",
       "10:63: spec.workloads[0].resources.correlation.cpu/memory", "a pair of listed resources"},
      {"correlation matrix not positive definite",
       head + "      resources:\n        cpu: {median: 1, sigma: 0.5}\n        memory: {median: 1Gi, sigma: 0.5}\n"
              "        ephemeral-storage: {median: 1Gi, sigma: 0.5}\n"
              "        correlation: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n",
       "14:22: spec.workloads[0].resources.correlation", "not positive definite"},
      {"perfect correlation",
       head + "      resources: {cpu: {median: 1}, memory: {median: 1Gi}, correlation: {cpu/memory: 1}}\n",
       "10:73: spec.workloads[0].resources.correlation", "not positive definite"},
      {"asymmetric matrix",
       head + "      resources: {cpu: {median: 1}, memory: {median: 1Gi}, correlation: [[1, 0.5], [0.4, 1]]}\n",
       "10:84: spec.workloads[0].resources.correlation[1]", "not symmetric"},
      {"limit ratio below 1", head + "      resources: {cpu: {median: 1}, limitRatio: {cpu: 0.5}}\n",
       "10:55: spec.workloads[0].resources.limitRatio.cpu", "must be in [1, 1000]"},
      {"negative lifetime", head + "      lifetime: -5m\n", "10:17: spec.workloads[0].lifetime",
       "must not be negative"},
      {"trace file missing", "    - trace: {file: nope.csv}\n", "7:21: spec.workloads[0].trace.file", "does not exist"},
      {"unknown trace format", "    - trace: {file: t.csv, format: google}\n", "7:36: spec.workloads[0].trace.format",
       "supported values: \"kubesim\", \"openb\"", kcsv_header},
      {"timeScale and speedup", "    - trace: {file: t.csv, timeScale: 2, speedup: 2}\n",
       "7:51: spec.workloads[0].trace.speedup", "either timeScale or speedup", kcsv_header},
      {"csv missing a column", "    - trace: {file: t.csv}\n", "t.csv:1:1",
       "column \"memory_request\": missing required column", "submit_time,name,cpu_request\n0,a,1\n"},
      {"csv unknown column", "    - trace: {file: t.csv}\n", "t.csv:1:45", "column \"colour\": unknown column",
       "submit_time,name,cpu_request,memory_request,colour\n"},
      {"csv wrong column count", "    - trace: {file: t.csv}\n", "t.csv:3:1",
       "wrong number of columns: 4, the header has 5", kcsv_header + "0,a,1,1Gi,\n1,b,1,1Gi\n"},
      {"csv bad quantity", "    - trace: {file: t.csv}\n", "t.csv:2:5", "column cpu_request: Invalid value \"lots\"",
       kcsv_header + "0,a,lots,1Gi,\n"},
      {"csv bad time", "    - trace: {file: t.csv}\n", "t.csv:3:1", "column submit_time: Invalid value \"soon\"",
       kcsv_header + "0,a,1,1Gi,\nsoon,b,1,1Gi,\n"},
      {"csv bad duration", "    - trace: {file: t.csv}\n", "t.csv:2:11", "column duration: Invalid value \"-3\"",
       kcsv_header + "0,a,1,1Gi,-3\n"},
      {"csv time beyond 100 years", "    - trace: {file: t.csv}\n", "t.csv:2:1",
       "column submit_time: Invalid value \"9999999999999\"", kcsv_header + "9999999999999,a,1,1Gi,\n"},
      {"speedup out of range", "    - trace: {file: t.csv, speedup: 0}\n", "7:37: spec.workloads[0].trace.speedup",
       "must be in [1e-6, 1e6]", kcsv_header},
      {"csv integer priority", "    - trace: {file: t.csv}\n", "t.csv:2:11", "column priority: Invalid value \"1000\"",
       "submit_time,name,cpu_request,memory_request,priority\n0,a,1,1Gi,1000\n"},
      {"csv duplicate name", "    - trace: {file: t.csv}\n", "t.csv:3:1", "Duplicate value \"a\": also on line 2",
       kcsv_header + "0,a,1,1Gi,\n1,a,1,1Gi,\n"},
      {"csv limit below request", "    - trace: {file: t.csv}\n", "t.csv:2:11", "column cpu_limit: Invalid value",
       "submit_time,name,cpu_request,memory_request,cpu_limit\n0,a,2,1Gi,1\n"},
      {"openb bad number", "    - trace: {file: t.csv, format: openb}\n", "t.csv:2:6",
       "column cpu_milli: Invalid value \"4k\"", ocsv_header + "ob-0,4k,8192,1,1000,,LS,Running,0,10,0\n"},
      {"openb bad phase", "    - trace: {file: t.csv, format: openb}\n", "t.csv:2:27",
       "column pod_phase: Unsupported value \"Gone\"", ocsv_header + "ob-0,4000,8192,1,1000,,LS,Gone,0,10,0\n"},
      {"openb deleted before scheduled", "    - trace: {file: t.csv, format: openb}\n", "t.csv:2:37",
       "column deletion_time: Invalid value: before scheduled_time",
       ocsv_header + "ob-0,4000,8192,1,1000,,LS,Running,0,10,20\n"},
      {"openb missing column", "    - trace: {file: t.csv, format: openb}\n", "t.csv:1:1",
       "column \"scheduled_time\": missing required column",
       "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time\n"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    TempDir dir;
    if (!r.csv.empty()) dir.Write("t.csv", r.csv);
    std::string path = dir.Write("s.yaml", std::string(kHead) + r.body);
    auto sc = LoadScenario(path);
    REQUIRE_FALSE(sc.ok());
    const std::string msg = sc.status().message();
    INFO(msg);
    std::string want = r.want_location.rfind("t.csv", 0) == 0 ? dir / r.want_location : path + ":" + r.want_location;
    CHECK(msg.rfind(want, 0) == 0);
    CHECK_THAT(msg, Catch::Contains(r.want_text));
  }
}

}  // namespace
}  // namespace kubesim::scenario
