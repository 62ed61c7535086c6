// The model folder's checksum manifest: a SHA-256 per file in sha256sum's format, so that a file
// replaced after training (a vocabulary, a SentencePiece model, the weights) is found at load
// time, and users can check a copied folder with `sha256sum -c checksums.sha256`.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace tandem::io {

// Hashes those of `names` that exist in `dir` and writes dir/checksums.sha256 atomically, one
// "HEX  NAME" line per file. Called after the files are written.
void write_checksums(const std::string& dir, const std::vector<std::string>& names);

// Checks every file the manifest lists against its SHA-256. A folder without a manifest (written
// before tandem kept one) passes. A changed or missing file, or a malformed manifest line, is an
// error naming the file. A mismatch's message ends with `busy_note(name)` (asked only then): a
// training rewrites the weights and then the manifest, and a load in between sees them differ.
// Files named in `unread` are not checked (a caller that does not read them).
void verify_checksums(const std::string& dir,
                      const std::function<std::string(const std::string& name)>& busy_note,
                      const std::vector<std::string>& unread = {});

}  // namespace tandem::io
