// Corpus readers built on for_each_line: parallel files, TSV, plain lines.
#include "data/corpus.h"

#include <algorithm>

#include "data/line_reader.h"
#include "tensor/error.h"

namespace tandem::data {

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  for_each_line(path, [&](std::string_view line, int64_t) { lines.emplace_back(line); });
  return lines;
}

ParallelText read_parallel(const std::string& source_path, const std::string& target_path) {
  ParallelText text{read_lines(source_path), read_lines(target_path)};
  const auto source_lines = static_cast<int64_t>(text.source.size());
  const auto target_lines = static_cast<int64_t>(text.target.size());
  if (source_lines != target_lines) {
    // Name the first line that has no partner, in the longer file.
    const std::string& longer = source_lines > target_lines ? source_path : target_path;
    throw Error(file_location(longer, std::min(source_lines, target_lines) + 1) +
                "no matching line in the other file: '" + source_path + "' has " +
                std::to_string(source_lines) + " lines but '" + target_path + "' has " +
                std::to_string(target_lines) +
                "; parallel files need one example per line in both");
  }
  return text;
}

ParallelText read_tsv(const std::string& path) {
  ParallelText text;
  for_each_line(path, [&](std::string_view line, int64_t number) {
    size_t tab = line.find('\t');
    auto tabs = std::count(line.begin(), line.end(), '\t');
    check(tabs == 1, [&] {
      return file_location(path, number) +
             "expected two tab-separated columns (source<TAB>target), found " +
             std::to_string(tabs) + (tabs == 1 ? " tab" : " tabs");
    });
    text.source.emplace_back(line.substr(0, tab));
    text.target.emplace_back(line.substr(tab + 1));
  });
  return text;
}

}  // namespace tandem::data
