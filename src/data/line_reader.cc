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
    std::string_view line = buffer;
    size_t skipped = 0;  // bytes removed from the front, to report offsets within the file's line
    if (number == 1 && line.starts_with(kByteOrderMark)) {
      line.remove_prefix(kByteOrderMark.size());
      skipped = kByteOrderMark.size();
    }
    if (line.ends_with('\r')) line.remove_suffix(1);
    size_t bad = find_invalid_utf8(line);
    check(bad == std::string_view::npos, [&] {
      return file_location(path, number) + describe_invalid_utf8(buffer, bad + skipped) +
             "; the file must be UTF-8 encoded";
    });
    visit(line, number);
  }
  check(!in.bad(), [&] { return "cannot read '" + path + "': a read error occurred"; });
}

}  // namespace tandem::data
