// SHA-256 of a file (OpenSSL's EVP API), as the hex digest sha256sum prints.
#pragma once

#include <string>

namespace tandem::io {

// The lower-case hex SHA-256 of the file's bytes; an error names the file if it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace tandem::io
