// walkv-bench — walkv against each peer, cell by cell, in the same run:
// throughput ratios (walkv ops/s ÷ peer ops/s, paired by round, see
// paired_ratio), reopen speed-up (peer open time ÷ walkv open time) and
// compaction throughput ratios. >1 means walkv is faster.
#pragma once

#include <string>
#include <vector>

#include "results.hpp"

namespace walkv_bench {

struct Ratio {
  std::string cell;  // e.g. "durable 4 KiB, 16 threads"
  std::string peer;
  double walkv = 0;  // walkv's figure (ops/s, or seconds for reopen, MB/s for compaction)
  double peer_value = 0;
  double ratio = 0;
};

std::vector<Ratio> walkv_ratios(const BenchResults& results);

// walkv's rate ÷ the peer's for one cell, paired by round: the median of the
// per-round ratios (round i of both was measured within seconds, under the
// same neighbours), or the ratio of the medians when the rounds do not pair.
double paired_ratio(const ThroughputCell& walkv, const ThroughputCell& peer);

// Labels shared with the report: "durable 4 KiB, 16 threads", ...
std::string cell_label(const ThroughputCell& c);
std::string recovery_label(const RecoveryCell& c);
std::string compaction_label(const CompactionCell& c);

}  // namespace walkv_bench
