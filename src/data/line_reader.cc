// Line-by-line reading of UTF-8 text files: CRLF and BOM handling, validation, error locations.
#include "data/line_reader.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "data/utf8.h"
#include "tensor/error.h"

namespace tandem::data {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::string file_location(const std::string& path, int64_t line) {
  return path + ":" + std::to_string(line) + ": ";
}

std::string clean_line(std::string_view raw, int64_t number, const std::string& name,
                       std::string_view& line) {
  line = raw;
  size_t skipped = 0;  // bytes removed from the front, to report offsets within the raw line
  if (number == 1 && line.starts_with(kByteOrderMark)) {
    line.remove_prefix(kByteOrderMark.size());
    skipped = kByteOrderMark.size();
  }
  if (line.ends_with('\r')) line.remove_suffix(1);
  const size_t bad = find_invalid_utf8(line);
  if (bad == std::string_view::npos) return "";
  return file_location(name, number) + describe_invalid_utf8(raw, bad + skipped) +
         "; the text must be UTF-8 encoded";
}

void for_each_line(const std::string& path,
                   const std::function<void(std::string_view line, int64_t number)>& visit) {
  // A directory opens fine as a stream on Linux and then reads as empty: catch it first.
  std::error_code ignored;
  check(!std::filesystem::is_directory(path, ignored),
        [&] { return "cannot read '" + path + "': it is a directory, not a text file"; });
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    throw Error("cannot open '" + path + "': " +
                (err != 0 ? std::error_code(err, std::generic_category()).message()
                          : std::string("unknown reason")));
  }
  std::string buffer;
  int64_t number = 0;
  while (std::getline(in, buffer)) {
    ++number;
    std::string_view line;
    const std::string error = clean_line(buffer, number, path, line);
    check(error.empty(), [&] { return error; });
    visit(line, number);
  }
  check(!in.bad(), [&] { return "cannot read '" + path + "': a read error occurred"; });
}

}  // namespace tandem::data
