// Reading corpora: parallel text from two line-aligned files or one TSV file, and plain lines.
#pragma once

#include <string>
#include <vector>

namespace tandem::data {

struct ParallelText {
  std::vector<std::string> source, target;  // equal sizes; entry i of each is example i
};

// Every reader here follows data/line_reader.h: one entry per line (a final line without '\n'
// counts, empty lines are kept), CRLF and a leading BOM removed, UTF-8 checked, and errors that
// name the file and the 1-based line.

// Line i of `source_path` pairs with line i of `target_path`; the files must have equally many.
ParallelText read_parallel(const std::string& source_path, const std::string& target_path);

// Each line holds exactly one tab: "source<TAB>target" (either side may be empty).
ParallelText read_tsv(const std::string& path);

// All lines of one file (e.g. the input of `tandem translate`). "-" is an ordinary file name
// here; reading standard input is the caller's business.
std::vector<std::string> read_lines(const std::string& path);

}  // namespace tandem::data
