#include "models/api/labels.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <utility>

#include "models/api/names.h"

namespace kubesim::api {

bool RequirementMatches(const LabelSelectorRequirement& r, const StringMap& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  auto in_values = [&]() { return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end(); };
  switch (r.op) {
    case SelectorOp::kIn:
      return in_values();
    case SelectorOp::kNotIn:
      return !in_values();
    case SelectorOp::kExists:
      return has;
    case SelectorOp::kDoesNotExist:
      return !has;
  }
  return false;
}

bool SetMatches(const StringMap& set, const StringMap& labels) {
  for (const auto& [k, v] : set) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

bool LabelSelector::Matches(const StringMap& labels) const {
  if (!SetMatches(match_labels, labels)) return false;
  for (const auto& r : match_expressions) {
    if (!RequirementMatches(r, labels)) return false;
  }
  return true;
}

// --- String selectors: a port of upstream's labels.Parse ----------------------------------------
namespace {

// Upstream validation messages (kubernetes/apimachinery pkg/util/validation/validation.go @ v0.32).
constexpr std::string_view kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kQualifiedNameErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainFmt = R"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character";
constexpr size_t kQualifiedNameMaxLength = 63;
constexpr size_t kLabelValueMaxLength = 63;
constexpr size_t kDns1123SubdomainMaxLength = 253;

std::string MaxLenError(size_t n) { return "must be no more than " + std::to_string(n) + " characters"; }

std::string RegexError(std::string_view msg, std::string_view fmt, std::initializer_list<std::string_view> examples) {
  std::string out(msg);
  out += " (e.g. ";
  bool first = true;
  for (std::string_view e : examples) {
    if (!first) out += " or ";
    first = false;
    out += "'" + std::string(e) + "', ";
  }
  return out + "regex used for validation is '" + std::string(fmt) + "')";
}

// The name part of a qualified name and a non-empty label value: [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?
bool IsQualifiedNamePart(std::string_view s) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  for (const char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// validation.IsQualifiedName: [prefix/]name, the prefix a DNS subdomain (api::IsDnsSubdomain's check).
std::vector<std::string> QualifiedNameErrors(std::string_view value) {
  std::vector<std::string> errs;
  std::string_view name = value;
  const size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      return {"a qualified name " +
              RegexError(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
              " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
    }
    const std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part must be non-empty");
    } else if (prefix.size() > kDns1123SubdomainMaxLength) {
      errs.push_back("prefix part " + MaxLenError(kDns1123SubdomainMaxLength));
    } else if (!IsDnsSubdomain(prefix)) {
      errs.push_back("prefix part " + RegexError(kDns1123SubdomainErrMsg, kDns1123SubdomainFmt, {"example.com"}));
    }
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > kQualifiedNameMaxLength) {
    errs.push_back("name part " + MaxLenError(kQualifiedNameMaxLength));
  }
  if (!IsQualifiedNamePart(name)) {
    errs.push_back("name part " +
                   RegexError(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

// validation.IsValidLabelValue.
std::vector<std::string> LabelValueErrors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelValueMaxLength) errs.push_back(MaxLenError(kLabelValueMaxLength));
  if (!value.empty() && !IsQualifiedNamePart(value)) {
    errs.push_back(
        RegexError(kLabelValueErrMsg, "(" + std::string(kQualifiedNameFmt) + ")?", {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? std::string(sep) : "") + parts[i];
  return out;
}

// Go's %q of a string, for the ASCII the lexer lets through: quotes, backslashes and control
// characters escaped; other bytes as they are.
std::string GoQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20 || b == 0x7f) {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// field.Invalid(path, value, detail).Error(); upstream's parser passes a nil path for keys, which
// prints as "<nil>".
std::string FieldInvalid(std::string_view path, std::string_view value, const std::vector<std::string>& details) {
  return std::string(path) + ": Invalid value: " + GoQuote(value) + ": " + Join(details, "; ");
}

// The operators of upstream's selection package, by their string values.
enum class Op {
  kNone,
  kIn,
  kNotIn,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kGreaterThan,
  kLessThan,
  kExists,
  kDoesNotExist
};

enum class Token {
  kError,
  kEnd,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar
};

std::optional<Token> TokenOf(std::string_view s) {
  static constexpr std::pair<std::string_view, Token> kTokens[] = {
      {")", Token::kClosedPar},  {",", Token::kComma},       {"!", Token::kDoesNotExist}, {"==", Token::kDoubleEquals},
      {"=", Token::kEquals},     {">", Token::kGreaterThan}, {"in", Token::kIn},          {"<", Token::kLessThan},
      {"!=", Token::kNotEquals}, {"notin", Token::kNotIn},   {"(", Token::kOpenPar}};
  for (const auto& [text, tok] : kTokens) {
    if (s == text) return tok;
  }
  return std::nullopt;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsSpecialSymbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

struct Item {
  Token tok;
  std::string literal;
};

// Upstream's Lexer: a NUL byte ends the input, as the end of the string does.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Item Lex() {
    char ch = Read();
    while (IsWhitespace(ch)) ch = Read();
    if (ch == 0) return {Token::kEnd, ""};
    Unread();
    return IsSpecialSymbol(ch) ? ScanSpecialSymbol() : ScanIdOrKeyword();
  }

 private:
  char Read() { return pos_ < s_.size() ? s_[pos_++] : '\0'; }
  void Unread() { --pos_; }

  Item ScanIdOrKeyword() {
    std::string buffer;
    for (;;) {
      const char ch = Read();
      if (ch == 0) break;
      if (IsSpecialSymbol(ch) || IsWhitespace(ch)) {
        Unread();
        break;
      }
      buffer += ch;
    }
    if (auto tok = TokenOf(buffer)) return {*tok, buffer};
    return {Token::kIdentifier, buffer};
  }

  // The longest operator at the position: "!=" and "==" before "!" and "=".
  Item ScanSpecialSymbol() {
    std::optional<Item> last;
    std::string buffer;
    for (;;) {
      const char ch = Read();
      if (ch == 0) break;
      if (!IsSpecialSymbol(ch)) {
        Unread();
        break;
      }
      buffer += ch;
      if (auto tok = TokenOf(buffer)) {
        last = Item{*tok, buffer};
      } else if (last) {
        Unread();
        break;
      }
    }
    if (!last) return {Token::kError, "error expected: keyword found '" + buffer + "'"};
    return *last;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

struct Requirement {
  std::string key;
  Op op = Op::kNone;
  std::vector<std::string> values;  // sorted, unique
};

class Parser {
 public:
  explicit Parser(std::string_view s) {
    Lexer lexer(s);
    for (;;) {
      items_.push_back(lexer.Lex());
      if (items_.back().tok == Token::kEnd) break;
    }
  }

  sim::StatusOr<std::vector<Requirement>> Parse() {
    std::vector<Requirement> requirements;
    for (;;) {
      const auto [tok, lit] = Lookahead(kValues);
      switch (tok) {
        case Token::kIdentifier:
        case Token::kDoesNotExist: {
          auto r = ParseRequirement();
          if (!r.ok()) return sim::InvalidArgument("unable to parse requirement: " + r.status().message());
          requirements.push_back(std::move(r).value());
          const auto [t, l] = Consume(kValues);
          if (t == Token::kEnd) return requirements;
          if (t != Token::kComma) return Error("found '" + l + "', expected: ',' or 'end of string'");
          const auto [t2, l2] = Lookahead(kValues);
          if (t2 != Token::kIdentifier && t2 != Token::kDoesNotExist) {
            return Error("found '" + l2 + "', expected: identifier after ','");
          }
          break;
        }
        case Token::kEnd:
          return requirements;
        default:
          return Error("found '" + lit + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

 private:
  // Upstream's ParserContext: where a value may stand, "in" and "notin" are identifiers.
  enum Context { kKeyAndOperator, kValues };

  static sim::Status Error(std::string message) { return sim::InvalidArgument(std::move(message)); }

  Item Lookahead(Context context) const {
    Item item = items_[position_];
    if (context == kValues && (item.tok == Token::kIn || item.tok == Token::kNotIn)) item.tok = Token::kIdentifier;
    return item;
  }
  Item Consume(Context context) {
    Item item = Lookahead(context);
    if (position_ + 1 < items_.size()) ++position_;  // the end token stays current
    return item;
  }

  sim::StatusOr<Requirement> ParseRequirement() {
    Requirement r;
    KUBESIM_RETURN_IF_ERROR(ParseKeyAndInferOperator(&r));
    if (r.op == Op::kExists || r.op == Op::kDoesNotExist) return r;
    KUBESIM_ASSIGN_OR_RETURN(r.op, ParseOperator());
    std::set<std::string> values;
    if (r.op == Op::kIn || r.op == Op::kNotIn) {
      KUBESIM_ASSIGN_OR_RETURN(values, ParseValues());
    } else {
      KUBESIM_ASSIGN_OR_RETURN(values, ParseExactValue());
    }
    r.values.assign(values.begin(), values.end());
    // NewRequirement's checks that the grammar leaves open: integers for Gt/Lt, label values.
    std::vector<std::string> errs;
    if (r.op == Op::kGreaterThan || r.op == Op::kLessThan) {
      for (size_t i = 0; i < r.values.size(); ++i) {
        if (!IsInt64(r.values[i])) {
          errs.push_back(FieldInvalid("values[" + std::to_string(i) + "]", r.values[i],
                                      {"for 'Gt', 'Lt' operators, the value must be an integer"}));
        }
      }
    }
    for (size_t i = 0; i < r.values.size(); ++i) {
      auto value_errs = LabelValueErrors(r.values[i]);
      if (!value_errs.empty()) {
        errs.push_back(FieldInvalid("values[" + std::to_string(i) + "][" + r.key + "]", r.values[i], value_errs));
      }
    }
    // utilerrors.Aggregate: one error as itself, several in brackets.
    if (errs.size() == 1) return Error(errs[0]);
    if (errs.size() > 1) return Error("[" + Join(errs, ", ") + "]");
    return r;
  }

  sim::Status ParseKeyAndInferOperator(Requirement* r) {
    Item item = Consume(kValues);
    if (item.tok == Token::kDoesNotExist) {
      r->op = Op::kDoesNotExist;
      item = Consume(kValues);
    }
    if (item.tok != Token::kIdentifier) return Error("found '" + item.literal + "', expected: identifier");
    const auto key_errs = QualifiedNameErrors(item.literal);
    if (!key_errs.empty()) return Error(FieldInvalid("<nil>", item.literal, key_errs));
    const Token next = Lookahead(kValues).tok;
    if ((next == Token::kEnd || next == Token::kComma) && r->op != Op::kDoesNotExist) r->op = Op::kExists;
    r->key = std::move(item.literal);
    return sim::Status::Ok();
  }

  sim::StatusOr<Op> ParseOperator() {
    const auto [tok, lit] = Consume(kKeyAndOperator);
    switch (tok) {
      case Token::kIn:
        return Op::kIn;
      case Token::kEquals:
        return Op::kEquals;
      case Token::kDoubleEquals:
        return Op::kDoubleEquals;
      case Token::kGreaterThan:
        return Op::kGreaterThan;
      case Token::kLessThan:
        return Op::kLessThan;
      case Token::kNotIn:
        return Op::kNotIn;
      case Token::kNotEquals:
        return Op::kNotEquals;
      default:
        return Error("found '" + lit + "', expected: in, notin, =, ==, !=, gt, lt");
    }
  }

  // "(" values ")"; "()" is the set of the empty value.
  sim::StatusOr<std::set<std::string>> ParseValues() {
    const auto [tok, lit] = Consume(kValues);
    if (tok != Token::kOpenPar) return Error("found '" + lit + "' expected: '('");
    const auto [next, next_lit] = Lookahead(kValues);
    switch (next) {
      case Token::kIdentifier:
      case Token::kComma: {
        KUBESIM_ASSIGN_OR_RETURN(auto values, ParseIdentifiersList());
        if (Consume(kValues).tok != Token::kClosedPar) return Error("found '" + next_lit + "', expected: ')'");
        return values;
      }
      case Token::kClosedPar:
        Consume(kValues);
        return std::set<std::string>{""};
      default:
        return Error("found '" + next_lit + "', expected: ',', ')' or identifier");
    }
  }

  // A comma-separated list of possibly empty identifiers, up to (not including) ")".
  sim::StatusOr<std::set<std::string>> ParseIdentifiersList() {
    std::set<std::string> values;
    for (;;) {
      const auto [tok, lit] = Consume(kValues);
      if (tok == Token::kIdentifier) {
        values.insert(lit);
        const auto [tok2, lit2] = Lookahead(kValues);
        if (tok2 == Token::kComma) continue;
        if (tok2 == Token::kClosedPar) return values;
        return Error("found '" + lit2 + "', expected: ',' or ')'");
      }
      if (tok != Token::kComma) return Error("found '" + lit + "', expected: ',', or identifier");
      if (values.empty()) values.insert("");  // "(,"
      const Token tok2 = Lookahead(kValues).tok;
      if (tok2 == Token::kClosedPar) {
        values.insert("");  // ",)"
        return values;
      }
      if (tok2 == Token::kComma) {
        Consume(kValues);
        values.insert("");  // ",,"
      }
    }
  }

  // The one value of =, ==, !=, > and <; empty when the requirement ends here.
  sim::StatusOr<std::set<std::string>> ParseExactValue() {
    const Token next = Lookahead(kValues).tok;
    if (next == Token::kEnd || next == Token::kComma) return std::set<std::string>{""};
    const auto [tok, lit] = Consume(kValues);
    if (tok == Token::kIdentifier) return std::set<std::string>{lit};
    return Error("found '" + lit + "', expected: identifier");
  }

  // strconv.ParseInt(s, 10, 64) succeeds.
  static bool IsInt64(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // Go takes a '+' sign too
    if (s.empty() || s.front() == '+' || (s.front() == '-' && s.size() > 1 && s[1] == '+')) return false;
    int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && ptr == s.data() + s.size();
  }

  std::vector<Item> items_;
  size_t position_ = 0;
};

}  // namespace

sim::StatusOr<LabelSelector> ParseLabelSelector(std::string_view selector) {
  KUBESIM_ASSIGN_OR_RETURN(std::vector<Requirement> requirements, Parser(selector).Parse());
  std::stable_sort(requirements.begin(), requirements.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  LabelSelector out;
  for (auto& r : requirements) {
    SelectorOp op = SelectorOp::kIn;
    switch (r.op) {
      case Op::kIn:
      case Op::kEquals:
      case Op::kDoubleEquals:
        op = SelectorOp::kIn;
        break;
      case Op::kNotIn:
      case Op::kNotEquals:
        op = SelectorOp::kNotIn;
        break;
      case Op::kExists:
        op = SelectorOp::kExists;
        break;
      case Op::kDoesNotExist:
        op = SelectorOp::kDoesNotExist;
        break;
      case Op::kGreaterThan:
        return sim::InvalidArgument("\"gt\" isn't supported in label selectors");
      case Op::kLessThan:
        return sim::InvalidArgument("\"lt\" isn't supported in label selectors");
      case Op::kNone:
        return sim::InvalidArgument("unable to parse requirement: no operator for \"" + r.key + "\"");
    }
    out.match_expressions.push_back(LabelSelectorRequirement{std::move(r.key), op, std::move(r.values)});
  }
  return out;
}

bool IsLabelValue(std::string_view v) { return LabelValueErrors(v).empty(); }

}  // namespace kubesim::api
