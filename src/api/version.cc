// The version, from the TANDEM_VERSION definition the build gives this file alone.
#include "api/version.h"

namespace tandem {

const char* version() { return TANDEM_VERSION; }

}  // namespace tandem
