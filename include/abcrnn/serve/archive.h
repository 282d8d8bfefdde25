// The archive of `abcrnn serve`: every generated tune, with the `abcrnn generate` command that
// remakes it, in one SQLite file (WAL journal, one transaction per change, so a kill -9 mid-write
// leaves the last committed state). Layout in doc/archive-format.md. Thread-safe: one connection,
// calls serialised.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "abcrnn/util/status.h"

struct sqlite3;

namespace abcrnn::serve {

struct ArchivedTune {
  int64_t id = 0;          // assigned by Add; 1, 2, ...
  std::string created;     // UTC, "2026-11-30 03:16:42" (SQLite's datetime('now'))
  std::string title;
  std::string abc;         // the whole tune: X:, T:, the remake line, the music
  std::string command;     // "abcrnn generate --seed ..." (the remake line without "% ")
  uint64_t seed = 0;
  std::string model;       // the model's fingerprint
  bool starred = false;
};

struct ArchiveQuery {
  std::string text;        // "" all; else tunes whose title, ABC or command contain it (any case)
  bool starred_only = false;
  int limit = 50;          // newest first
  int offset = 0;
};

class Archive {
 public:
  // Opens or creates the file. Corruption when it is not an abcrnn archive (another SQLite file)
  // or a newer version; IOError when it cannot be opened.
  static Result<std::unique_ptr<Archive>> Open(const std::string& path);
  ~Archive();

  // Stores the tunes in one transaction; sets their ids and created times.
  Status Add(std::vector<ArchivedTune>* tunes);
  Result<std::vector<ArchivedTune>> List(const ArchiveQuery& query);
  // NotFound for an id the archive does not hold.
  Result<ArchivedTune> Get(int64_t id);
  Status Star(int64_t id, bool starred);
  Status Delete(int64_t id);

 private:
  explicit Archive(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace abcrnn::serve
