// The JSON of POST /v1/translate: reading and checking a request, writing the response, and
// the error body every failure shares.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/translation.h"
#include "server/batcher.h"

namespace tandem::server {

struct ApiLimits {
  int64_t max_inputs = 64;         // sentences per request (413 beyond)
  int64_t max_input_chars = 1000;  // code points per sentence (413 beyond)
  int64_t max_beam = 16;           // beam sizes above this are refused (400)
};

// A request the server refuses: the HTTP status and a message naming the field.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message) : std::runtime_error(message), status(status) {}
  int status;
};

struct TranslateRequest {
  std::vector<std::string> inputs;
  SearchSettings settings;
};

// Parses {"inputs": [...], "beam": K, "n_best": N, "attention": bool}; beam and n_best default
// to `defaults`, attention to false. Throws ApiError: 400 for bad JSON, wrong types, unknown
// fields or invalid UTF-8; 413 for too many or too long inputs.
TranslateRequest parse_translate_request(const std::string& body, const ApiLimits& limits,
                                         const SearchSettings& defaults);

// {"outputs": [...]}: per input its best output (text, score, tokens ending with </s>, and
// attention rows when asked), its source tokens, and with n_best > 1 the whole list as "n_best".
nlohmann::json translate_response(const std::vector<Translation>& translations,
                                  const SearchSettings& settings);

// {"error": {"code": status, "message": message}}
std::string error_body(int status, const std::string& message);

// JSON text that never throws on invalid UTF-8 (it is replaced by U+FFFD).
std::string dump_json(const nlohmann::json& j);

}  // namespace tandem::server
