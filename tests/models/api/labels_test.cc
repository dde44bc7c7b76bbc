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

// labels.SelectorFromSet: every pair of the set, with an equal value; the empty set selects all.
TEST_CASE("SetMatches needs every key of the set with an equal value", "[api]") {
  const StringMap labels = {{"app", "web"}, {"tier", "front"}};
  CHECK(SetMatches({}, labels));
  CHECK(SetMatches({}, {}));
  CHECK(SetMatches({{"app", "web"}}, labels));
  CHECK(SetMatches({{"app", "web"}, {"tier", "front"}}, labels));
  CHECK_FALSE(SetMatches({{"app", "db"}}, labels));
  CHECK_FALSE(SetMatches({{"app", "web"}, {"zone", "a"}}, labels));
  CHECK_FALSE(SetMatches({{"app", ""}}, labels));
  CHECK_FALSE(SetMatches({{"app", "web"}}, {}));
}

// Upstream pkg/labels selector_test.go style (TestSelectorParse, TestSelectorMatches), on the
// metav1 form ParseLabelSelector returns.
TEST_CASE("ParseLabelSelector accepts upstream's syntax", "[api]") {
  struct Case {
    std::string in;
    std::vector<LabelSelectorRequirement> want;
  };
  const Case cases[] = {
      {"", {}},
      {"  ", {}},
      {"x=a,y=b,z=c", {{"x", SelectorOp::kIn, {"a"}}, {"y", SelectorOp::kIn, {"b"}}, {"z", SelectorOp::kIn, {"c"}}}},
      {"x==a", {{"x", SelectorOp::kIn, {"a"}}}},
      {"x!=a,y=b", {{"x", SelectorOp::kNotIn, {"a"}}, {"y", SelectorOp::kIn, {"b"}}}},
      {"x=", {{"x", SelectorOp::kIn, {""}}}},
      {"x= ,z= ", {{"x", SelectorOp::kIn, {""}}, {"z", SelectorOp::kIn, {""}}}},
      {"!x", {{"x", SelectorOp::kDoesNotExist, {}}}},
      {"x", {{"x", SelectorOp::kExists, {}}}},
      // Sorted by key; values sorted and deduplicated.
      {"z,x in (b,a,b),!y",
       {{"x", SelectorOp::kIn, {"a", "b"}}, {"y", SelectorOp::kDoesNotExist, {}}, {"z", SelectorOp::kExists, {}}}},
      {"x notin (a)", {{"x", SelectorOp::kNotIn, {"a"}}}},
      {"x notin ()", {{"x", SelectorOp::kNotIn, {""}}}},
      {"x in (,a)", {{"x", SelectorOp::kIn, {"", "a"}}}},
      {"x in (a,,b)", {{"x", SelectorOp::kIn, {"", "a", "b"}}}},
      {"x in (in,notin)", {{"x", SelectorOp::kIn, {"in", "notin"}}}},  // keywords as values
      {" x = a , y in ( b , c ) ", {{"x", SelectorOp::kIn, {"a"}}, {"y", SelectorOp::kIn, {"b", "c"}}}},
      {"example.com/app=web,k8s.io/a-b_c.D=1",
       {{"example.com/app", SelectorOp::kIn, {"web"}}, {"k8s.io/a-b_c.D", SelectorOp::kIn, {"1"}}}},
      {"x=a,x!=b", {{"x", SelectorOp::kIn, {"a"}}, {"x", SelectorOp::kNotIn, {"b"}}}},  // stable
  };
  for (const Case& c : cases) {
    INFO("\"" << c.in << "\"");
    auto got = ParseLabelSelector(c.in);
    REQUIRE(got.ok());
    CHECK(got->match_labels.empty());
    CHECK(got->match_expressions == c.want);
  }
}

TEST_CASE("ParseLabelSelector rejects what upstream rejects, with its messages", "[api]") {
  const std::string name_part_rule =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
      "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
      "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  struct Case {
    std::string in;
    std::string message;
  };
  const Case cases[] = {
      {"x==a==b", "found '==', expected: ',' or 'end of string'"},
      {"!x=a", "found '=', expected: ',' or 'end of string'"},
      {"x=a b", "found 'b', expected: ',' or 'end of string'"},
      {"x,", "found '', expected: identifier after ','"},
      {",x", "found ',', expected: !, identifier, or 'end of string'"},
      {"!", "unable to parse requirement: found '', expected: identifier"},
      {"a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},
      {"x in a", "unable to parse requirement: found 'a' expected: '('"},
      {"x in (a", "unable to parse requirement: found '', expected: ',' or ')'"},
      {"x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"},
      {"x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"},
      {"x=(", "unable to parse requirement: found '(', expected: identifier"},
      {"x<a",
       "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value "
       "must be an integer"},
      {"Foo_", "unable to parse requirement: <nil>: Invalid value: \"Foo_\": name part " + name_part_rule},
      {"a/b/c", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name " + name_part_rule +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
      {"/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"},
      {"Example.com/a",
       "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 "
       "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
       "alphanumeric character (e.g. 'example.com', regex used for validation is "
       "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
      {"a/", "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; name part " +
                 name_part_rule},
      {std::string(64, 'k'), "unable to parse requirement: <nil>: Invalid value: \"" + std::string(64, 'k') +
                                 "\": name part must be no more than 63 characters"},
      {"x=a||b",
       "unable to parse requirement: values[0][x]: Invalid value: \"a||b\": a valid label must be an empty string or "
       "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
       "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
       "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
      {"x in (-a,b-)",
       "unable to parse requirement: [values[0][x]: Invalid value: \"-a\": a valid label must be an empty string or "
       "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
       "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
       "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'), values[1][x]: Invalid value: \"b-\": a valid label must be "
       "an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
       "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
       "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]"},
      // Upstream's grammar, but not expressible as a metav1.LabelSelector (ParseToLabelSelector's words).
      {"x>1", "\"gt\" isn't supported in label selectors"},
      {"x<1,y", "\"lt\" isn't supported in label selectors"},
  };
  for (const Case& c : cases) {
    INFO("\"" << c.in << "\"");
    auto got = ParseLabelSelector(c.in);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().message() == c.message);
  }
}

TEST_CASE("A parsed selector matches as upstream's Requirement.Matches", "[api]") {
  const StringMap web{{"app", "web"}, {"tier", "frontend"}};
  const StringMap canary{{"app", "web"}, {"canary", "true"}};
  const StringMap db{{"app", "db"}};
  const StringMap none;
  struct Case {
    std::string selector;
    const StringMap* labels;
    bool want;
  };
  const Case cases[] = {
      {"", &none, true},
      {"app=web", &web, true},
      {"app=web", &none, false},
      {"app!=web", &web, false},
      {"app!=web", &db, true},
      {"app!=web", &none, true},  // NotEquals matches objects without the key
      {"app in (web,api)", &web, true},
      {"app in (web,api)", &db, false},
      {"app notin (web,api)", &db, true},
      {"app notin (web,api)", &none, true},
      {"canary", &canary, true},
      {"canary", &web, false},
      {"!canary", &web, true},
      {"!canary", &canary, false},
      {"app=web,!canary", &web, true},
      {"app=web,!canary", &canary, false},
      {"tier in (), app", &web, false},
      {"tier notin (), app", &web, true},
  };
  for (const Case& c : cases) {
    INFO("\"" << c.selector << "\"");
    auto sel = ParseLabelSelector(c.selector);
    REQUIRE(sel.ok());
    CHECK(sel->Matches(*c.labels) == c.want);
  }
}

TEST_CASE("IsLabelValue is upstream's IsValidLabelValue", "[api]") {
  CHECK(IsLabelValue(""));
  CHECK(IsLabelValue("a"));
  CHECK(IsLabelValue("My_value-1.2"));
  CHECK(IsLabelValue(std::string(63, 'v')));
  CHECK_FALSE(IsLabelValue(std::string(64, 'v')));
  CHECK_FALSE(IsLabelValue("-a"));
  CHECK_FALSE(IsLabelValue("a."));
  CHECK_FALSE(IsLabelValue("a b"));
  CHECK_FALSE(IsLabelValue("a/b"));
}

}  // namespace
}  // namespace kubesim::api
