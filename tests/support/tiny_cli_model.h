// A tiny model trained by the `tandem train` command in a test's folder: what CLI tests
// translate with (seconds to train; its outputs are arbitrary but deterministic).
#pragma once

#include <string>

#include "support/temp_dir.h"

namespace tandem::testing {

// Trains on a few short lines into dir/NAME, with `sets` ("--set key=value …") added, and
// returns that model folder; a test failure (and "") when training fails.
std::string train_tiny_cli_model(const TempDir& dir, const std::string& name = "model",
                                 const std::string& sets = "");

}  // namespace tandem::testing
