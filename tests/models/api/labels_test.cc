#include "models/api/labels.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace kubesim::api {
namespace {

// Upstream apimachinery labels selector_test.go style: (selector, labels) → matches.
TEST_CASE("RequirementMatches follows upstream operator semantics", "[api]") {
  const StringMap web{{"app", "web"}, {"tier", "frontend"}};
  const StringMap none;
  struct Case {
    std::string name;
    LabelSelectorRequirement req;
    const StringMap* labels;
    bool want;
  };
  const Case cases[] = {
      {"In value present", {"app", SelectorOp::kIn, {"web", "api"}}, &web, true},
      {"In value absent", {"app", SelectorOp::kIn, {"api"}}, &web, false},
      {"In key missing", {"zone", SelectorOp::kIn, {"a"}}, &web, false},
      {"In on empty labels", {"app", SelectorOp::kIn, {"web"}}, &none, false},
      {"NotIn value absent", {"app", SelectorOp::kNotIn, {"api"}}, &web, true},
      {"NotIn value present", {"app", SelectorOp::kNotIn, {"api", "web"}}, &web, false},
      {"NotIn key missing matches", {"zone", SelectorOp::kNotIn, {"a"}}, &web, true},
      {"NotIn on empty labels matches", {"app", SelectorOp::kNotIn, {"web"}}, &none, true},
      {"Exists present", {"tier", SelectorOp::kExists, {}}, &web, true},
      {"Exists missing", {"zone", SelectorOp::kExists, {}}, &web, false},
      {"DoesNotExist missing matches", {"zone", SelectorOp::kDoesNotExist, {}}, &web, true},
      {"DoesNotExist present", {"app", SelectorOp::kDoesNotExist, {}}, &web, false},
      {"DoesNotExist on empty labels", {"app", SelectorOp::kDoesNotExist, {}}, &none, true},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(RequirementMatches(c.req, *c.labels) == c.want);
  }
}

TEST_CASE("LabelSelector ANDs matchLabels and every matchExpression", "[api]") {
  const StringMap pod{{"app", "web"}, {"tier", "frontend"}, {"zone", "a"}};
  struct Case {
    std::string name;
    LabelSelector sel;
    bool want;
  };
  const Case cases[] = {
      {"empty selector matches everything", {}, true},
      {"matchLabels subset", {{{"app", "web"}}, {}}, true},
      {"matchLabels all keys", {{{"app", "web"}, {"tier", "frontend"}, {"zone", "a"}}, {}}, true},
      {"matchLabels wrong value", {{{"app", "api"}}, {}}, false},
      {"matchLabels missing key", {{{"env", "prod"}}, {}}, false},
      {"matchLabels one of two wrong", {{{"app", "web"}, {"tier", "backend"}}, {}}, false},
      {"expressions all true", {{}, {{"app", SelectorOp::kIn, {"web"}}, {"env", SelectorOp::kDoesNotExist, {}}}}, true},
      {"one expression false", {{}, {{"app", SelectorOp::kIn, {"web"}}, {"zone", SelectorOp::kNotIn, {"a"}}}}, false},
      {"labels true, expression false", {{{"app", "web"}}, {{"tier", SelectorOp::kDoesNotExist, {}}}}, false},
      {"labels false, expression true", {{{"app", "db"}}, {{"tier", SelectorOp::kExists, {}}}}, false},
      {"labels and expressions true", {{{"app", "web"}}, {{"zone", SelectorOp::kIn, {"a", "b"}}}}, true},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(c.sel.Matches(pod) == c.want);
  }
}

TEST_CASE("An empty selector is Empty and matches objects without labels", "[api]") {
  LabelSelector empty;
  CHECK(empty.Empty());
  CHECK(empty.Matches({}));
  CHECK(empty.Matches({{"a", "b"}}));
  LabelSelector with_expr{{}, {{"a", SelectorOp::kExists, {}}}};
  CHECK_FALSE(with_expr.Empty());
  CHECK_FALSE(with_expr.Matches({}));
  LabelSelector with_label{{{"a", "b"}}, {}};
  CHECK_FALSE(with_label.Empty());
  CHECK_FALSE(with_label.Matches({}));
  // Only NotIn / DoesNotExist can match an unlabelled object.
  LabelSelector negative{{}, {{"a", SelectorOp::kNotIn, {"x"}}, {"b", SelectorOp::kDoesNotExist, {}}}};
  CHECK(negative.Matches({}));
}

}  // namespace
}  // namespace kubesim::api
