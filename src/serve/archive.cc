// The tune archive on SQLite (see serve/archive.h, doc/archive-format.md): prepared statements,
// one transaction per change, the format checked by application_id and user_version.
#include "abcrnn/serve/archive.h"

#include <sqlite3.h>

namespace abcrnn::serve {
namespace {

constexpr int kApplicationId = 0x61626372;  // "abcr"
constexpr int kVersion = 1;

const char* kSchema =
    "CREATE TABLE IF NOT EXISTS tunes ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " created TEXT NOT NULL DEFAULT (datetime('now')),"
    " title TEXT NOT NULL, abc TEXT NOT NULL, command TEXT NOT NULL,"
    " seed INTEGER NOT NULL, model TEXT NOT NULL, starred INTEGER NOT NULL DEFAULT 0);";

// A prepared statement, finalised on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Statement() { sqlite3_finalize(s_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  void Bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  int Step() { return sqlite3_step(s_); }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, col))) : "";
  }
  Status Error(const std::string& what) const { return Status::IOError(what + ": " + sqlite3_errmsg(db_)); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

constexpr const char* kColumns = "id, created, title, abc, command, seed, model, starred";

ArchivedTune Row(const Statement& s) {
  ArchivedTune t;
  t.id = s.Int(0);
  t.created = s.Text(1);
  t.title = s.Text(2);
  t.abc = s.Text(3);
  t.command = s.Text(4);
  t.seed = static_cast<uint64_t>(s.Int(5));
  t.model = s.Text(6);
  t.starred = s.Int(7) != 0;
  return t;
}

// `text` as a LIKE pattern that matches it anywhere, with %, _ and \ taken literally.
std::string ContainsPattern(const std::string& text) {
  std::string p = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

}  // namespace

Status Archive::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return Status::OK();
  std::string msg = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return Status::IOError(std::string("archive: ") + msg);
}

Result<std::unique_ptr<Archive>> Archive::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IOError("archive " + path + ": cannot open: " + msg);
  }
  std::unique_ptr<Archive> a(new Archive(db));
  sqlite3_busy_timeout(db, 5000);
  int app = 0, version = 0, tables = 0;
  {
    Statement s(db, "PRAGMA application_id");
    if (!s.ok() || s.Step() != SQLITE_ROW)
      return Status::Corruption("archive " + path + ": expected an SQLite file, got one SQLite cannot read (" +
                                sqlite3_errmsg(db) + "); give another --db");
    app = static_cast<int>(s.Int(0));
  }
  {
    Statement s(db, "PRAGMA user_version");
    if (s.ok() && s.Step() == SQLITE_ROW) version = static_cast<int>(s.Int(0));
  }
  {
    Statement s(db, "SELECT count(*) FROM sqlite_master");
    if (s.ok() && s.Step() == SQLITE_ROW) tables = static_cast<int>(s.Int(0));
  }
  if (tables > 0 && app != kApplicationId)
    return Status::Corruption("archive " + path + ": expected an abcrnn archive (application_id " +
                              std::to_string(kApplicationId) + "), got another SQLite database (" +
                              std::to_string(app) + "); give another --db");
  if (tables > 0 && version > kVersion)
    return Status::Corruption("archive " + path + ": expected version " + std::to_string(kVersion) +
                              " or older, got " + std::to_string(version) + "; use the abcrnn that wrote it");
  if (Status st = a->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !st.ok()) return st;
  if (tables == 0) {
    const std::string init = "BEGIN; " + std::string(kSchema) + " PRAGMA application_id=" +
                             std::to_string(kApplicationId) + "; PRAGMA user_version=" + std::to_string(kVersion) +
                             "; COMMIT;";
    if (Status st = a->Exec(init.c_str()); !st.ok()) return st;
  }
  return a;
}

Archive::~Archive() { sqlite3_close(db_); }

Status Archive::Add(std::vector<ArchivedTune>* tunes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  for (ArchivedTune& t : *tunes) {
    Statement s(db_, "INSERT INTO tunes (title, abc, command, seed, model) VALUES (?, ?, ?, ?, ?) "
                     "RETURNING id, created");
    s.Bind(1, t.title);
    s.Bind(2, t.abc);
    s.Bind(3, t.command);
    s.Bind(4, static_cast<int64_t>(t.seed));
    s.Bind(5, t.model);
    if (!s.ok() || s.Step() != SQLITE_ROW) {
      Status err = s.Error("archive: storing a tune");
      Exec("ROLLBACK");
      return err;
    }
    t.id = s.Int(0);
    t.created = s.Text(1);
  }
  return Exec("COMMIT");
}

Result<std::vector<ArchivedTune>> Archive::List(const ArchiveQuery& q) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM tunes WHERE (?1 = '' OR title LIKE ?2 ESCAPE '\\' OR abc LIKE ?2 ESCAPE '\\' OR "
                          "command LIKE ?2 ESCAPE '\\') AND (?3 = 0 OR starred = 1) ORDER BY id DESC LIMIT ?4 OFFSET ?5";
  Statement s(db_, sql.c_str());
  if (!s.ok()) return s.Error("archive: listing");
  s.Bind(1, q.text);
  s.Bind(2, ContainsPattern(q.text));
  s.Bind(3, int64_t{q.starred_only});
  s.Bind(4, int64_t{q.limit});
  s.Bind(5, int64_t{q.offset});
  std::vector<ArchivedTune> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(Row(s));
  if (rc != SQLITE_DONE) return s.Error("archive: listing");
  return out;
}

Result<ArchivedTune> Archive::Get(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, (std::string("SELECT ") + kColumns + " FROM tunes WHERE id = ?").c_str());
  s.Bind(1, id);
  const int rc = s.Step();
  if (rc == SQLITE_ROW) return Row(s);
  if (rc == SQLITE_DONE) return Status::NotFound("tune " + std::to_string(id) + ": not in the archive");
  return s.Error("archive: reading tune " + std::to_string(id));
}

Status Archive::Star(int64_t id, bool starred) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "UPDATE tunes SET starred = ? WHERE id = ?");
  s.Bind(1, int64_t{starred});
  s.Bind(2, id);
  if (s.Step() != SQLITE_DONE) return s.Error("archive: starring tune " + std::to_string(id));
  if (sqlite3_changes(db_) == 0) return Status::NotFound("tune " + std::to_string(id) + ": not in the archive");
  return Status::OK();
}

Status Archive::Delete(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "DELETE FROM tunes WHERE id = ?");
  s.Bind(1, id);
  if (s.Step() != SQLITE_DONE) return s.Error("archive: deleting tune " + std::to_string(id));
  if (sqlite3_changes(db_) == 0) return Status::NotFound("tune " + std::to_string(id) + ": not in the archive");
  return Status::OK();
}

}  // namespace abcrnn::serve
