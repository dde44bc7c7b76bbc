// Decoding of Job, DaemonSet and StatefulSet manifests: upstream defaults, located errors for
// bad fields, and warnings for what is not simulated.
#include <catch2/catch.hpp>

#include "models/api/codec.h"
#include "models/api/kinds.h"

namespace kubesim::api {
namespace {

DecodeResult DecodeOne(const std::string& text) {
  auto docs = LoadYamlDocuments(text, "w.yaml");
  INFO(docs.status().message());
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 1);
  auto r = DecodeObject(docs->front());
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::string ErrorOf(const std::string& text) {
  auto docs = LoadYamlDocuments(text, "w.yaml");
  if (!docs.ok()) return docs.status().message();
  auto r = DecodeObject(docs->front());
  return r.ok() ? "" : r.status().message();
}

const std::string kJobHead = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n";  // lines 1-4
const std::string kNeverTemplate =
    "  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c}]\n";

TEST_CASE("Job manifests decode with upstream defaults", "[api]") {
  auto job = std::dynamic_pointer_cast<Job>(DecodeOne(kJobHead + kNeverTemplate).object);
  REQUIRE(job);
  CHECK(job->parallelism == 1);
  CHECK(job->completions == 1);
  CHECK(job->backoff_limit == 6);
  CHECK(job->completion_mode == "NonIndexed");
  CHECK(job->pod_replacement_policy == "TerminatingOrFailed");
  CHECK_FALSE(job->active_deadline_seconds);
  // Only parallelism given: a work-queue Job without completions.
  auto queue = std::dynamic_pointer_cast<Job>(DecodeOne(kJobHead + "  parallelism: 3\n" + kNeverTemplate).object);
  CHECK(queue->parallelism == 3);
  CHECK_FALSE(queue->completions);
  auto counted = std::dynamic_pointer_cast<Job>(
      DecodeOne(kJobHead + "  completions: 5\n  backoffLimit: 2\n  activeDeadlineSeconds: 60\n" + kNeverTemplate)
          .object);
  CHECK(counted->parallelism == 1);
  CHECK(counted->completions == 5);
  CHECK(counted->backoff_limit == 2);
  CHECK(counted->active_deadline_seconds == 60);
}

TEST_CASE("Workload manifests with bad fields get located errors", "[api]") {
  const std::string ds_head = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n";
  const std::string ss_head = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n";
  const std::string sel = "  selector: {matchLabels: {app: a}}\n";  // line 5
  const std::string tmpl = "  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers: [{name: c}]\n";
  struct Case {
    std::string name;
    std::string text;
    std::string want;
  };
  const Case cases[] = {
      {"Job template with restartPolicy Always",
       kJobHead + "  template:\n    spec:\n      restartPolicy: Always\n      containers: [{name: c}]\n",
       "w.yaml:7:22: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: "
       "\"OnFailure\", \"Never\""},
      {"Job template without restartPolicy", kJobHead + "  template:\n    spec:\n      containers: [{name: c}]\n",
       "w.yaml:7:7: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""},
      {"Job negative backoffLimit", kJobHead + "  backoffLimit: -1\n" + kNeverTemplate,
       "w.yaml:5:17: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"},
      {"Job zero activeDeadlineSeconds", kJobHead + "  activeDeadlineSeconds: 0\n" + kNeverTemplate,
       "w.yaml:5:26: spec.activeDeadlineSeconds: Invalid value: 0: must be greater than 0"},
      {"Job selector without manualSelector", kJobHead + "  selector: {matchLabels: {a: b}}\n" + kNeverTemplate,
       "w.yaml:5:13: spec.selector: Invalid value: `selector` not auto-generated"},
      {"Job bad completionMode", kJobHead + "  completionMode: Sorted\n" + kNeverTemplate,
       "w.yaml:5:19: spec.completionMode: Unsupported value: \"Sorted\": supported values: \"NonIndexed\", "
       "\"Indexed\""},
      {"Indexed Job without completions", kJobHead + "  parallelism: 2\n  completionMode: Indexed\n" + kNeverTemplate,
       "w.yaml:5:3: spec.completions: Required value: when completion mode is Indexed"},
      {"Job template exit-code not an int",
       kJobHead + "  template:\n    metadata: {annotations: {kubesim.io/exit-code: one}}\n    spec:\n"
                  "      restartPolicy: Never\n      containers: [{name: c}]\n",
       "w.yaml:6:52: spec.template.metadata.annotations.kubesim.io/exit-code: Invalid value: \"one\": must be an "
       "integer from 0 to 255"},
      {"Job template run-duration bad",
       kJobHead + "  template:\n    metadata: {annotations: {kubesim.io/run-duration: soon}}\n    spec:\n"
                  "      restartPolicy: Never\n      containers: [{name: c}]\n",
       "w.yaml:6:55: spec.template.metadata.annotations.kubesim.io/run-duration: invalid duration \"soon\": "
       "expected a number"},
      {"DaemonSet without selector", ds_head + tmpl, "w.yaml:5:3: spec.selector: Required value"},
      {"DaemonSet selector not matching", ds_head + "  selector: {matchLabels: {app: b}}\n" + tmpl,
       "w.yaml:7:24: spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`"},
      {"DaemonSet bad strategy", ds_head + sel + tmpl + "  updateStrategy: {type: Recreate}\n",
       "w.yaml:10:26: spec.updateStrategy.type: Unsupported value: \"Recreate\": supported values: "
       "\"RollingUpdate\", \"OnDelete\""},
      {"DaemonSet maxUnavailable zero",
       ds_head + sel + tmpl + "  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n",
       "w.yaml:10:52: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: may not be 0 when `maxSurge` is "
       "0"},
      {"DaemonSet restartPolicy Never",
       ds_head + sel +
           "  template:\n    metadata: {labels: {app: a}}\n    spec:\n      restartPolicy: Never\n"
           "      containers: [{name: c}]\n",
       "w.yaml:9:22: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
      {"StatefulSet bad podManagementPolicy", ss_head + sel + tmpl + "  podManagementPolicy: Random\n",
       "w.yaml:10:24: spec.podManagementPolicy: Unsupported value: \"Random\": supported values: \"OrderedReady\", "
       "\"Parallel\""},
      {"StatefulSet negative replicas", ss_head + "  replicas: -2\n" + sel + tmpl,
       "w.yaml:5:13: spec.replicas: Invalid value: -2: must be greater than or equal to 0"},
      {"StatefulSet negative partition", ss_head + sel + tmpl + "  updateStrategy: {rollingUpdate: {partition: -1}}\n",
       "w.yaml:10:47: spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to "
       "0"},
      {"StatefulSet claim template without name",
       ss_head + sel + tmpl + "  volumeClaimTemplates:\n  - spec: {accessModes: [ReadWriteOnce]}\n",
       "w.yaml:11:5: spec.volumeClaimTemplates[0].metadata.name: Required value"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(ErrorOf(c.text) == c.want);
  }
}

TEST_CASE("DaemonSet and StatefulSet decode their strategies, and claims are reported, not dropped", "[api]") {
  auto ds = std::dynamic_pointer_cast<DaemonSet>(
      DecodeOne("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n"
                "  selector: {matchLabels: {app: a}}\n"
                "  template:\n    metadata: {labels: {app: a}}\n    spec:\n      hostNetwork: true\n"
                "      containers: [{name: c}]\n")
          .object);
  REQUIRE(ds);
  CHECK(ds->update_strategy_type == "RollingUpdate");
  CHECK(ds->max_unavailable.value == 1);
  CHECK_FALSE(ds->max_unavailable.percent);
  CHECK(ds->pod_template.spec.host_network);

  DecodeResult r = DecodeOne(
      "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n"
      "  serviceName: db\n  replicas: 3\n  podManagementPolicy: Parallel\n"
      "  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}\n"
      "  selector: {matchLabels: {app: db}}\n"
      "  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: c}]\n"
      "  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec: {accessModes: [ReadWriteOnce]}\n");
  auto set = std::dynamic_pointer_cast<StatefulSet>(r.object);
  REQUIRE(set);
  CHECK(set->replicas == 3);
  CHECK(set->pod_management_policy == "Parallel");
  CHECK(set->partition == 2);
  CHECK(set->service_name == "db");
  CHECK(set->volume_claim_templates == std::vector<std::string>{"data"});
  REQUIRE(r.warnings.size() == 1);
  CHECK_THAT(r.warnings[0],
             Catch::StartsWith("w.yaml:15:3: spec.volumeClaimTemplates: not simulated yet: volumeClaimTemplates"));
}

}  // namespace
}  // namespace kubesim::api
