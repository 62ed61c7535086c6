// Request checks name the field and say what was expected, so a client can fix its call.
#include "server/api.h"

#include "data/utf8.h"
#include "server/json_path.h"

namespace tandem::server {
namespace {

using nlohmann::json;

int64_t code_points(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // count every byte but continuations
  return n;
}

int64_t integer_field(const json& body, const char* name, int64_t lo, int64_t hi,
                      int64_t fallback) {
  auto it = body.find(name);
  if (it == body.end()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi)
    throw ApiError(400, std::string(name) + ": expected an integer from " + std::to_string(lo) +
                            " to " + std::to_string(hi));
  return it->get<int64_t>();
}

json output_json(const Output& o, bool attention) {
  json j = {{"text", o.text}, {"score", o.score}, {"tokens", o.tokens}};
  if (attention) j["attention"] = o.attention;
  return j;
}

}  // namespace

TranslateRequest parse_translate_request(const std::string& body, const ApiLimits& limits,
                                         const SearchSettings& defaults) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {  // parse_error; out_of_range for numbers like 1e400
    const std::string field = json_error_path(body);
    throw ApiError(400, (field.empty() ? "" : field + ": ") + "invalid JSON: " + e.what());
  }
  if (!j.is_object())
    throw ApiError(400, "the body must be a JSON object with an \"inputs\" array");
  for (const auto& [key, value] : j.items())
    if (key != "inputs" && key != "beam" && key != "n_best" && key != "attention")
      throw ApiError(
          400, "unknown field \"" + key + "\"; the fields are inputs, beam, n_best, attention");
  auto inputs = j.find("inputs");
  if (inputs == j.end()) throw ApiError(400, "inputs: missing; expected an array of strings");
  if (!inputs->is_array()) throw ApiError(400, "inputs: expected an array of strings");
  if (static_cast<int64_t>(inputs->size()) > limits.max_inputs)
    throw ApiError(413, "inputs: " + std::to_string(inputs->size()) + " sentences, at most " +
                            std::to_string(limits.max_inputs) + " per request");
  TranslateRequest r;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const json& v = (*inputs)[i];
    const std::string field = "inputs[" + std::to_string(i) + "]";
    if (!v.is_string()) throw ApiError(400, field + ": expected a string");
    std::string s = v.get<std::string>();
    // The JSON parser already refuses malformed UTF-8; this guards the tokenizer regardless.
    if (const size_t bad = data::find_invalid_utf8(s); bad != std::string::npos)
      throw ApiError(400, field + ": " + data::describe_invalid_utf8(s, bad));
    if (code_points(s) > limits.max_input_chars)
      throw ApiError(413, field + ": " + std::to_string(code_points(s)) + " characters, at most " +
                              std::to_string(limits.max_input_chars));
    r.inputs.push_back(std::move(s));
  }
  r.settings.beam = integer_field(j, "beam", 1, limits.max_beam, defaults.beam);
  r.settings.n_best =
      integer_field(j, "n_best", 1, r.settings.beam, std::min(defaults.n_best, r.settings.beam));
  if (auto a = j.find("attention"); a != j.end()) {
    if (!a->is_boolean()) throw ApiError(400, "attention: expected true or false");
    r.settings.attention = a->get<bool>();
  }
  return r;
}

json translate_response(const std::vector<Translation>& translations,
                        const SearchSettings& settings) {
  json outputs = json::array();
  for (const Translation& t : translations) {
    json o = output_json(t.outputs.at(0), settings.attention);
    o["source_tokens"] = t.source_tokens;
    if (settings.n_best > 1) {
      json list = json::array();
      for (const Output& alt : t.outputs) list.push_back(output_json(alt, settings.attention));
      o["n_best"] = std::move(list);
    }
    outputs.push_back(std::move(o));
  }
  return {{"outputs", std::move(outputs)}};
}

std::string error_body(int status, const std::string& message) {
  return dump_json({{"error", {{"code", status}, {"message", message}}}});
}

std::string dump_json(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace tandem::server
