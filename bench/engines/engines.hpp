// walkv-bench — constructors of the engines (one file each in engines/).
// Peers are compiled only when the bench_peers feature found them; registry.cpp
// lists what this binary holds.
#pragma once

#include <memory>
#include <string>

#include "engine.hpp"

namespace walkv_bench {

std::unique_ptr<Engine> open_walkv_engine(const std::string& dir, const EngineOptions& options);
std::unique_ptr<Engine> open_lmdb_engine(const std::string& dir, const EngineOptions& options);
std::unique_ptr<Engine> open_file_per_session_engine(const std::string& dir, const EngineOptions& options);
std::unique_ptr<Engine> open_rocksdb_engine(const std::string& dir, const EngineOptions& options);
std::unique_ptr<Engine> open_leveldb_engine(const std::string& dir, const EngineOptions& options);
std::unique_ptr<Engine> open_sqlite_engine(const std::string& dir, const EngineOptions& options);
// The device reference row of the durable tables (not in the registry).
std::unique_ptr<Engine> open_device_append_engine(const std::string& dir, const EngineOptions& options);

// Library versions, for EngineInfo::description.
std::string lmdb_version();
std::string rocksdb_version();
std::string leveldb_version();
std::string sqlite_version();

}  // namespace walkv_bench
