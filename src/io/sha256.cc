// SHA-256 of a file, read in blocks through OpenSSL's EVP digest interface.
#include "io/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>
#include <vector>

#include "tensor/error.h"

namespace tandem::io {

std::string sha256_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  check(file != nullptr, [&] {
    return "cannot read " + path + ": " + std::error_code(errno, std::generic_category()).message();
  });
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  check(ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1,
        "OpenSSL cannot start a SHA-256 digest");
  std::vector<unsigned char> block(1 << 20);
  size_t n = 0;
  while ((n = std::fread(block.data(), 1, block.size(), file.get())) > 0)
    check(EVP_DigestUpdate(ctx.get(), block.data(), n) == 1, "OpenSSL SHA-256 update failed");
  check(!std::ferror(file.get()), [&] { return "cannot read " + path + ": read error"; });
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  check(EVP_DigestFinal_ex(ctx.get(), digest, &size) == 1, "OpenSSL SHA-256 final failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace tandem::io
