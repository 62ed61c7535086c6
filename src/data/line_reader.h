// Reading a UTF-8 text file line by line, with the checks and error locations every reader needs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tandem::data {

// Calls `visit(line, number)` for each line of the file at `path`, with `number` 1-based. Lines
// end at '\n'; a final line without '\n' counts, and an empty file has no lines. A trailing '\r'
// (CRLF files) and a UTF-8 byte order mark at the start of the first line are removed. Throws
// tandem::Error when the file cannot be opened or read (naming it and the reason) and when a line
// is not valid UTF-8 (naming the file, the line and the byte).
void for_each_line(const std::string& path,
                   const std::function<void(std::string_view line, int64_t number)>& visit);

// One raw line (without its '\n') as every reader gives it: without a trailing '\r' and, on line
// 1, a UTF-8 byte order mark. Returns "" and sets `line`, or the error message of a line that is
// not valid UTF-8, naming `name`, the line `number` and the byte.
std::string clean_line(std::string_view raw, int64_t number, const std::string& name,
                       std::string_view& line);

// "path:line: ", the prefix of an error message about one line of a file.
std::string file_location(const std::string& path, int64_t line);

}  // namespace tandem::data
