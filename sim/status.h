// Status and StatusOr: how bad input travels to the edge without exceptions (as LevelDB's and
// Abseil's Status).
//
// A Status is either OK or carries a code and a message. Input errors are formatted as
// `FILE:LINE:COL: field: what is wrong` by the code that knows the location; this type only carries
// the text. Simulated Kubernetes failures (409, 404, ...) are not Statuses: they are data returned
// to the simulated caller.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace kubesim::sim {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kOutOfRange,
  kInternal
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) { return Status(StatusCode::kInvalidArgument, std::move(message)); }

// Holds a T or a non-OK Status. Accessing value() of an error is a bug and aborts.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design, like absl::StatusOr
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) {
      std::fprintf(stderr, "StatusOr constructed from an OK Status\n");
      std::abort();
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // A reference, so `status().message()` may be bound to a const reference safely.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  const T& value() const& {
    Check();
    return std::get<T>(v_);
  }
  T& value() & {
    Check();
    return std::get<T>(v_);
  }
  T&& value() && {
    Check();
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  void Check() const {
    if (!ok()) {
      std::fprintf(stderr, "StatusOr::value() on error: %s\n", std::get<Status>(v_).message().c_str());
      std::abort();
    }
  }
  std::variant<T, Status> v_;
};

}  // namespace kubesim::sim

#define KUBESIM_RETURN_IF_ERROR(expr)    \
  do {                                   \
    ::kubesim::sim::Status _st = (expr); \
    if (!_st.ok()) return _st;           \
  } while (0)

#define KUBESIM_CONCAT_INNER(a, b) a##b
#define KUBESIM_CONCAT(a, b) KUBESIM_CONCAT_INNER(a, b)
// `KUBESIM_ASSIGN_OR_RETURN(auto x, MaybeX());` returns the error Status, else binds the value.
#define KUBESIM_ASSIGN_OR_RETURN(lhs, expr) \
  KUBESIM_ASSIGN_OR_RETURN_IMPL(KUBESIM_CONCAT(_status_or_, __LINE__), lhs, expr)
#define KUBESIM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
