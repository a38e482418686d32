// walkv-import --store DIR [--yes] [--app-version V] [--json] SOURCE...
//
// Imports the session stores gateways kept before walkv: SOURCE is either a
// sessions.json-style file (one JSON object: session key -> entry) or a
// sessions.d-style directory (one percent-encoded "<key>.json" file per
// session). A thin wrapper over walkv::plan_legacy_import (the default, a dry
// run that writes nothing) and walkv::import_legacy_sessions (--yes: one
// atomic batch; sessions that already exist are left alone, so running it
// twice imports nothing new). The sources are never modified.
// Exit: 0 everything imported (or importable), 1 problems found (unparseable
// files, null entries, bad file names or keys: reported, not imported),
// 2 usage, locked store, or I/O error.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <walkv/check.hpp>
#include <walkv/import.hpp>
#include <walkv/session.hpp>
#include <walkv/store.hpp>

#include "exit_code.hpp"
#include "printable.hpp"

namespace {

using namespace walkv;
using namespace walkv::tools;

constexpr const char* kTool = "walkv-import";

struct ImportArgs {
  std::string store;
  std::vector<std::string> sources;
  std::string app_version = "1.0.0";
  bool yes = false;
  bool json = false;
};

// Returns -1 when parsing succeeded, else the exit code (0 after --help/--version).
int parse_args(int argc, char** argv, ImportArgs& args) {
  CLI::App app{
      "Imports legacy JSON session stores (a sessions.json file and/or a sessions.d/ directory of "
      "percent-encoded <key>.json files) into a walkv store, in one atomic batch. Without --yes, only "
      "reports what it would import. The sources are never modified.\n"
      "Exit status: 0 ok, 1 problems found (reported, not imported), 2 usage, locked store or I/O error."};
  app.set_version_flag("--version", WALKV_VERSION);
  app.add_option("--store", args.store, "walkv store directory (created by --yes when missing)")->required();
  app.add_option("SOURCE", args.sources, "sessions.json-style file or sessions.d-style directory")->required();
  app.add_option("--app-version", args.app_version,
                 "application version recorded with the imported states (default 1.0.0); its major version "
                 "must match the gateway's SessionOptions::app_version");
  bool dry_run = false;
  auto* yes = app.add_flag("--yes", args.yes, "import (one atomic batch)");
  app.add_flag("--dry-run", dry_run, "only report what would be imported (the default)")->excludes(yes);
  app.add_flag("--json", args.json, "JSON Lines output: one line per problem, then a summary line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_error;
  }
  return -1;
}

void progress(const std::string& what) {
  if (isatty(STDERR_FILENO)) std::cerr << kTool << ": " << what << "...\n";
}

void print_report(const LegacyImportReport& report, bool dry_run, bool json) {
  if (json) {
    for (const auto& p : report.problems) {
      nlohmann::json line = {{"event", "problem"},
                             {"kind", legacy_problem_name(p.kind)},
                             {"source", printable(p.source)},
                             {"key", printable(p.key)},
                             {"detail", printable(p.detail)}};
      std::cout << line.dump() << '\n';
    }
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& id : report.imported_ids) ids.push_back(printable(id));
    nlohmann::json ignored = nlohmann::json::array();
    for (const auto& path : report.ignored) ignored.push_back(printable(path));
    nlohmann::json summary = {{"event", "summary"},
                              {"dry_run", dry_run},
                              {"sources", report.sources},
                              {"entries", report.entries},
                              {"imported", report.imported},
                              {"already_present", report.already_present},
                              {"duplicates", report.duplicates},
                              {"problems", report.problems.size()},
                              {"ignored", ignored},
                              {"imported_ids", ids}};
    std::cout << summary.dump() << '\n';
    return;
  }
  std::cout << "read " << report.sources << " source" << (report.sources == 1 ? "" : "s") << ", "
            << report.entries << " entr" << (report.entries == 1 ? "y" : "ies") << '\n';
  if (dry_run) {
    std::cout << "would import " << report.imported << " session" << (report.imported == 1 ? "" : "s")
              << " (dry run: nothing written; pass --yes to import)\n";
  } else {
    std::cout << "imported " << report.imported << " session" << (report.imported == 1 ? "" : "s")
              << " in one atomic batch\n";
  }
  std::cout << "already present (left untouched): " << report.already_present << '\n';
  if (report.duplicates != 0) {
    std::cout << "keys found in more than one source: " << report.duplicates << " (newest updatedAt kept)\n";
  }
  std::cout << "problems: " << report.problems.size() << (report.problems.empty() ? "" : " (not imported)") << '\n';
  for (const auto& p : report.problems) {
    std::cout << "  " << legacy_problem_name(p.kind) << "  " << printable(p.source);
    if (!p.key.empty()) std::cout << "  key \"" << printable(p.key) << '"';
    std::cout << ": " << printable(p.detail) << '\n';
  }
  if (!report.ignored.empty()) {
    std::cout << "ignored (not *.json): " << report.ignored.size() << '\n';
    for (const auto& path : report.ignored) std::cout << "  " << printable(path) << '\n';
  }
}

int finish(const LegacyImportReport& report, const ImportArgs& args) {
  print_report(report, !args.yes, args.json);
  return report.has_problems() ? exit_problems : exit_ok;
}

int plan(const ImportArgs& args) {
  std::unique_ptr<Store> view;
  if (is_store(args.store)) {
    Options options;
    options.create_if_missing = false;
    auto opened = Store::open_read_only(args.store, options);
    if (!opened) return report_failure(kTool, "cannot read " + args.store, opened.error());
    view = std::move(*opened);
  }
  progress("reading sources");
  auto report = plan_legacy_import(view.get(), args.sources);
  if (!report) return report_failure(kTool, "cannot plan the import", report.error());
  return finish(*report, args);
}

int import(const ImportArgs& args) {
  auto store = Store::open(args.store);
  if (!store) return report_failure(kTool, "cannot open " + args.store, store.error());
  SessionOptions session_options;
  session_options.app_version = args.app_version;
  auto sessions = SessionStore::open(**store, session_options);
  if (!sessions) return report_failure(kTool, "cannot open the sessions of " + args.store, sessions.error());
  progress("importing");
  LegacyImportOptions options;
  options.app_version = args.app_version;
  auto report = import_legacy_sessions(**sessions, args.sources, options);
  sessions->reset();
  Status closed = (*store)->close();
  if (!report) return report_failure(kTool, "import failed (nothing written)", report.error());
  if (!closed) return report_failure(kTool, "cannot close " + args.store, closed);
  return finish(*report, args);
}

}  // namespace

int main(int argc, char** argv) {
  ImportArgs args;
  if (int code = parse_args(argc, argv, args); code >= 0) return code;
  try {
    return args.yes ? import(args) : plan(args);
  } catch (const std::exception& e) {
    std::cerr << kTool << ": " << e.what() << '\n';
    return exit_error;
  }
}
