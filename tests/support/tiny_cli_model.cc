// The tiny model of the CLI tests, trained through the command like a user would.
#include "support/tiny_cli_model.h"

#include "support/tandem_process.h"

namespace tandem::testing {

std::string train_tiny_cli_model(const TempDir& dir, const std::string& name,
                                 const std::string& sets) {
  dir.write(name + ".src", "abc\nde\nf\nghij\n");
  dir.write(name + ".tgt", "cba\ned\nf\njihg\n");
  const std::string config =
      dir.write(name + ".yaml", "data: {train_source: " + dir.file(name + ".src") +
                                    ", train_target: " + dir.file(name + ".tgt") +
                                    "}\nmodel: {embedding_size: 4, encoder: {hidden_size: 4}, "
                                    "decoder: {hidden_size: 8}}\ntrain: {model_dir: " +
                                    dir.file(name) + ", max_steps: 2, log_every: 1}\n");
  const ProcessResult r = run_tandem("train --config " + config + " " + sets);
  EXPECT_EQ(r.status, 0) << r.err;
  return r.status == 0 ? dir.file(name) : "";
}

}  // namespace tandem::testing
