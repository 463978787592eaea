// The input of `openupr classify label` (issue 16): a UPR Info export (the importer's format:
// its Text, Action, Issue, To, From and Response columns), any CSV with a text column (header
// `text`, `recommendation`, `recommendation text` or the only column; optionally `sur` / `state
// under review` / `to`, `from` / `recommending state` and `response`) or a plain text file (one
// recommendation per line, extension .txt). Any encoding the importer detects. Nothing is
// stored. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace openupr::classify {

struct InputRow {
  int64_t line = 0;  // 1-based physical line where the row starts
  std::string text;
  int action = 0;                   // the source's action category (0: none)
  std::vector<std::string> themes;  // the source's themes (Issue column)
  std::string sur;                  // ISO3 of the state under review (To column); "" none
  std::string from;                 // ISO3 of the recommending state (From column); "" none
  std::string response;             // the source's response as written (Response column)
};

enum class InputKind { kCsv, kText };

// Parses bytes (any encoding the importer detects). Errors (kBadInput), each naming file:line:
// "FILE:1: no text column (expected text, recommendation, ...)", "FILE:N: empty text",
// "FILE:N: column To: unknown state 'X' (expected ...)" (a state column's value that is no
// state's name or code; empty and "(Unknown)" are none), a CSV quote never closed, a file with
// no row.
Result<std::vector<InputRow>> ParseLabelInput(std::string_view bytes, const std::string& file_label,
                                              InputKind kind);
// Reads the file; .txt is plain text, anything else CSV. Errors: kIo, as ParseLabelInput.
Result<std::vector<InputRow>> ReadLabelInput(const std::string& path);

}  // namespace openupr::classify

#include "classify/classifier.h"
#include "nlohmann/json_fwd.hpp"

namespace openupr::classify {

// Predicts every row (a row whose text has no word gets an error naming its line); a row with
// its state under review gets the support estimate too (when the model has one).
Result<std::vector<Prediction>> PredictRows(const Classifier& c, const std::string& file_label,
                                            const std::vector<InputRow>& rows);
// The rows with their predictions, as CSV (header line, action, action_score, themes, sdgs,
// support, source_action, source_themes, source_response; labels "name:score" joined by "; ";
// support the estimated probability, empty without a state) or JSON (an array).
std::string LabelsCsv(const std::vector<InputRow>& rows, const std::vector<Prediction>& preds);
nlohmann::json LabelsJson(const std::vector<InputRow>& rows, const std::vector<Prediction>& preds);
nlohmann::json PredictionJson(const Prediction& p);

}  // namespace openupr::classify
