// The checksum manifest: written after the files it covers, read back line by line at load.
#include "io/model_manifest.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "io/atomic_file.h"
#include "io/model_dir.h"
#include "io/sha256.h"
#include "tensor/error.h"

namespace tandem::io {

namespace fs = std::filesystem;

void write_checksums(const std::string& dir, const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    const fs::path path = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) text += sha256_file(path.string()) + "  " + name + "\n";
  }
  write_file_atomically((fs::path(dir) / kModelFolderChecksums).string(),
                        [&](std::ostream& os) { os << text; });
}

void verify_checksums(const std::string& dir,
                      const std::function<std::string(const std::string& name)>& busy_note,
                      const std::vector<std::string>& unread) {
  const fs::path manifest = fs::path(dir) / kModelFolderChecksums;
  std::error_code ec;
  if (!fs::exists(manifest, ec)) return;
  std::ifstream in(manifest, std::ios::binary);
  check(in.good(), [&] { return "cannot read " + manifest.string(); });
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    // sha256sum writes "HEX  NAME" (text mode) or "HEX *NAME" (binary mode).
    const bool well_formed = line.size() > 66 && line[64] == ' ' &&
                             (line[65] == ' ' || line[65] == '*') &&
                             line.find_first_not_of("0123456789abcdef") == 64;
    const std::string name = well_formed ? line.substr(66) : "";
    check(well_formed && name.find('/') == std::string::npos && name != "." && name != "..", [&] {
      return manifest.string() + ":" + std::to_string(n) +
             ": expected '<64 hex digits>  <file name>', as sha256sum writes it, got '" + line +
             "'";
    });
    if (std::find(unread.begin(), unread.end(), name) != unread.end()) continue;
    const fs::path path = fs::path(dir) / name;
    check(fs::exists(path, ec), [&] {
      return "model folder " + dir + " has no " + name + ", which its " + kModelFolderChecksums +
             " lists (a model folder is used whole, as tandem train wrote it)";
    });
    const std::string actual = sha256_file(path.string());
    check(actual == line.substr(0, 64), [&] {
      return "model folder " + dir + ": " + name + " was changed after training (its SHA-256 " +
             actual + " is not the " + line.substr(0, 64) + " that " + kModelFolderChecksums +
             " recorded); restore the file tandem train wrote, or train again" + busy_note(name);
    });
  }
}

}  // namespace tandem::io
