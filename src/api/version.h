// The version of tandem (the project's VERSION in CMakeLists.txt), as `tandem --version` and
// the server's /v1/model report it.
#pragma once

namespace tandem {

const char* version();

}  // namespace tandem
