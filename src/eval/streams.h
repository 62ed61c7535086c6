// The shape check every corpus metric makes on its reference streams.
#pragma once

#include <string>
#include <vector>

namespace tandem::eval {

// The metrics take references as streams: references[k][i] is stream k's reference for
// hypothesis i, as sacreBLEU takes them (one file per stream). Throws tandem::Error unless there
// is at least one stream and every stream has exactly `hypothesis_count` lines. `metric` names
// the caller in the message. evaluate() (eval/metrics.h) checks first with file names; this is
// the guard for direct callers.
void check_reference_streams(const char* metric, size_t hypothesis_count,
                             const std::vector<std::vector<std::string>>& references);

}  // namespace tandem::eval
