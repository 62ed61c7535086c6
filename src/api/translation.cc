// The text formats of a translation: attention matrices, Pharaoh alignments, JSON lines.
#include "api/translation.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "data/utf8.h"

namespace tandem {

std::string format_attention(const Translation& t, const Output& o) {
  if (t.source_tokens.empty()) return "(empty input)\n";
  if (o.attention.empty()) return "(no attention: the model has attention none)\n";
  // Widths count characters, and long tokens are cut between characters: a cut inside one
  // would leave invalid UTF-8.
  auto characters = [](const std::string& s) { return data::split_code_points(s); };
  size_t label = 0;
  for (const std::string& s : o.tokens) label = std::max(label, characters(s).size());
  std::string out(label + 1, ' ');
  for (const std::string& s : t.source_tokens) {
    const std::vector<std::string> cell = characters(s);
    const size_t shown = std::min<size_t>(cell.size(), 5);
    for (size_t k = 0; k < shown; ++k) out += cell[k];
    out += std::string(6 - shown, ' ');
  }
  out += "\n";
  for (size_t r = 0; r < o.attention.size(); ++r) {
    const std::string& name = r < o.tokens.size() ? o.tokens[r] : "";
    out += name + std::string(label + 1 - characters(name).size(), ' ');
    for (float w : o.attention[r]) {
      char cell[16];
      std::snprintf(cell, sizeof cell, "%.2f  ", w);
      out += cell;
    }
    out += "\n";
  }
  return out;
}

std::string format_alignment(const Output& o) {
  std::string out;
  // The last row belongs to </s>, which aligns to nothing.
  for (size_t j = 0; j + 1 < o.attention.size(); ++j) {
    const auto& row = o.attention[j];
    if (row.empty()) continue;
    const size_t i = std::max_element(row.begin(), row.end()) - row.begin();
    if (!out.empty()) out += ' ';
    out += std::to_string(i) + "-" + std::to_string(j);
  }
  return out;
}

std::string format_attention_json(const Translation& t, const Output& o) {
  nlohmann::json j;
  j["source"] = t.source_tokens;
  j["output"] = o.tokens;
  j["score"] = o.score;
  j["attention"] = o.attention;
  return j.dump();
}

}  // namespace tandem
