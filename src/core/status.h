// Status and Result: how every module reports an expected failure (bad input, bad query,
// not found, I/O, conflict) without exceptions. The mapping of codes to CLI exit codes and
// HTTP statuses is written once, in cli/ and server/.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace openupr {

enum class StatusCode {
  kOk,
  kInvalidArgument,  // a bad option, filter or query from the user
  kBadInput,         // a bad data file or database file
  kNotFound,
  kIo,
  kConflict,
  kInternal,
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status BadInput(std::string msg) { return {StatusCode::kBadInput, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Io(std::string msg) { return {StatusCode::kIo, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "bad input: file.csv:3: ..." style text for logs and the CLI.
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

#define OPENUPR_RETURN_IF_ERROR(expr)     \
  do {                                    \
    ::openupr::Status _st = (expr);       \
    if (!_st.ok()) return _st;            \
  } while (0)

}  // namespace openupr
