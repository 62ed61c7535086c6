// Translation: tokenise, sort by length, decode batch by batch, put outputs back in order.
#include "cli/translate.h"

#include <algorithm>
#include <numeric>

#include "data/batch.h"
#include "train/training_data.h"

namespace tandem {

std::vector<Translation> translate_lines(const LoadedModel& m,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const SearchOptions& options) {
  std::vector<Translation> out(lines.size());
  std::vector<data::Example> examples(lines.size());
  std::vector<size_t> order;
  for (size_t i = 0; i < lines.size(); ++i) {
    out[i].source_tokens = m.source_tokenizer->encode(lines[i]);
    examples[i].source = m.source_vocab.encode(out[i].source_tokens);
    examples[i].index = static_cast<int64_t>(i);
    if (!examples[i].source.empty()) order.push_back(i);  // empty in, empty out
  }
  // Similar lengths together waste less on padding; the output order is restored below.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return examples[a].source.size() < examples[b].source.size();
  });
  Graph g;
  for (size_t begin = 0; begin < order.size(); begin += batch_size) {
    std::vector<const data::Example*> rows;
    for (size_t k = begin; k < std::min(order.size(), begin + batch_size); ++k)
      rows.push_back(&examples[order[k]]);
    const data::Batch batch = data::make_batch(rows);
    g.reset();
    std::vector<Hypothesis> hyps = greedy_search(*m.model, g, source_view(batch), options);
    for (size_t r = 0; r < rows.size(); ++r) {
      Translation& t = out[batch.indices[r]];
      std::vector<std::string> tokens;
      for (int32_t id : hyps[r].tokens) tokens.push_back(m.target_vocab.token(id));
      t.text = m.target_tokenizer->decode(tokens);
      t.output_tokens = tokens;
      t.output_tokens.push_back("</s>");
      t.attention = std::move(hyps[r].attention);
      t.score = hyps[r].score;
    }
  }
  return out;
}

std::string format_attention(const Translation& t) {
  if (t.source_tokens.empty()) return "(empty input)\n";
  if (t.attention.empty()) return "(no attention: the model has attention none)\n";
  size_t label = 0;
  for (const std::string& s : t.output_tokens) label = std::max(label, s.size());
  std::string out(label + 1, ' ');
  for (const std::string& s : t.source_tokens) {
    std::string cell = s.substr(0, 5);
    out += cell + std::string(6 - std::min<size_t>(cell.size(), 5), ' ');
  }
  out += "\n";
  for (size_t r = 0; r < t.attention.size(); ++r) {
    const std::string& name = r < t.output_tokens.size() ? t.output_tokens[r] : "";
    out += name + std::string(label + 1 - name.size(), ' ');
    for (float w : t.attention[r]) {
      char cell[16];
      std::snprintf(cell, sizeof cell, "%.2f  ", w);
      out += cell;
    }
    out += "\n";
  }
  return out;
}

}  // namespace tandem
