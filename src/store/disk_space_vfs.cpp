#include "store/disk_space_vfs.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>

namespace openupr::store {
namespace {

// The one installed limit (SQLite's VFS list is process-wide, so there is at most one).
struct Limit {
  sqlite3_vfs vfs{};
  sqlite3_vfs* real = nullptr;  // the default VFS it wraps
  std::atomic<int64_t> free{0};
  std::atomic<int64_t> refused{0};
};
Limit* g_limit = nullptr;

// Our file: the wrapped VFS's file follows it in the same allocation (szOsFile below).
struct LimitedFile {
  sqlite3_file base;
  sqlite3_file* real;
};
static_assert(sizeof(LimitedFile) % 8 == 0, "the real file must stay 8-byte aligned");

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<LimitedFile*>(f)->real; }

// Takes n bytes from the free space; false (and nothing taken) when they do not fit.
bool Take(int64_t n) {
  int64_t left = g_limit->free.load();
  do {
    if (left < n) {
      g_limit->refused.fetch_add(1);
      return false;
    }
  } while (!g_limit->free.compare_exchange_weak(left, left - n));
  return true;
}

void GiveBack(int64_t n) { g_limit->free.fetch_add(n); }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), buf, amt, offset);
}

int Write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 offset) {
  sqlite3_file* real = Real(f);
  sqlite3_int64 size = 0;
  if (int rc = real->pMethods->xFileSize(real, &size); rc != SQLITE_OK) return rc;
  const int64_t growth = offset + amt - size;
  if (growth > 0 && !Take(growth)) return SQLITE_FULL;
  const int rc = real->pMethods->xWrite(real, buf, amt, offset);
  if (rc != SQLITE_OK && growth > 0) GiveBack(growth);
  return rc;
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  sqlite3_file* real = Real(f);
  sqlite3_int64 before = 0;
  if (int rc = real->pMethods->xFileSize(real, &before); rc != SQLITE_OK) return rc;
  if (size > before && !Take(size - before)) return SQLITE_FULL;
  const int rc = real->pMethods->xTruncate(real, size);
  if (rc == SQLITE_OK && size < before) GiveBack(before - size);
  if (rc != SQLITE_OK && size > before) GiveBack(size - before);
  return rc;
}

int Sync(sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); }
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amt, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, amt, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, p);
}

// Version 3, as the unix VFS's files: WAL needs the shm methods, memory-mapped reads the fetch
// ones. Open() refuses a wrapped VFS whose files have fewer.
const sqlite3_io_methods kMethods = {
    3,         Close,        Read,      Write,     Truncate,          Sync,
    FileSize,  Lock,         Unlock,    CheckReservedLock, FileControl, SectorSize,
    DeviceCharacteristics,   ShmMap,    ShmLock,   ShmBarrier,        ShmUnmap,
    Fetch,     Unfetch,
};

int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<LimitedFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->real->pMethods = nullptr;
  sqlite3_vfs* real = static_cast<Limit*>(vfs->pAppData)->real;
  const int rc = real->xOpen(real, name, f->real, flags, out_flags);
  // SQLite calls xClose exactly when pMethods is set, whether or not xOpen succeeded.
  file->pMethods = f->real->pMethods ? &kMethods : nullptr;
  if (rc == SQLITE_OK && f->real->pMethods->iVersion < 3) {
    f->real->pMethods->xClose(f->real);
    file->pMethods = nullptr;
    return SQLITE_CANTOPEN;
  }
  return rc;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  sqlite3_vfs* real = static_cast<Limit*>(vfs->pAppData)->real;
  struct stat st {};
  const bool known = ::stat(name, &st) == 0;
  const int rc = real->xDelete(real, name, sync_dir);
  if (rc == SQLITE_OK && known) GiveBack(st.st_size);
  return rc;
}

// The rest is the wrapped VFS's own.
sqlite3_vfs* RealVfs(sqlite3_vfs* vfs) { return static_cast<Limit*>(vfs->pAppData)->real; }
int Access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return RealVfs(v)->xAccess(RealVfs(v), name, flags, out);
}
int FullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return RealVfs(v)->xFullPathname(RealVfs(v), name, n, out);
}
void* DlOpen(sqlite3_vfs* v, const char* name) { return RealVfs(v)->xDlOpen(RealVfs(v), name); }
void DlError(sqlite3_vfs* v, int n, char* out) { RealVfs(v)->xDlError(RealVfs(v), n, out); }
void (*DlSym(sqlite3_vfs* v, void* lib, const char* sym))(void) {
  return RealVfs(v)->xDlSym(RealVfs(v), lib, sym);
}
void DlClose(sqlite3_vfs* v, void* lib) { RealVfs(v)->xDlClose(RealVfs(v), lib); }
int Randomness(sqlite3_vfs* v, int n, char* out) {
  return RealVfs(v)->xRandomness(RealVfs(v), n, out);
}
int Sleep(sqlite3_vfs* v, int us) { return RealVfs(v)->xSleep(RealVfs(v), us); }
int CurrentTime(sqlite3_vfs* v, double* out) { return RealVfs(v)->xCurrentTime(RealVfs(v), out); }
int GetLastError(sqlite3_vfs* v, int n, char* out) {
  return RealVfs(v)->xGetLastError(RealVfs(v), n, out);
}
int CurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
  return RealVfs(v)->xCurrentTimeInt64(RealVfs(v), out);
}
int SetSystemCall(sqlite3_vfs* v, const char* name, sqlite3_syscall_ptr p) {
  return RealVfs(v)->xSetSystemCall(RealVfs(v), name, p);
}
sqlite3_syscall_ptr GetSystemCall(sqlite3_vfs* v, const char* name) {
  return RealVfs(v)->xGetSystemCall(RealVfs(v), name);
}
const char* NextSystemCall(sqlite3_vfs* v, const char* name) {
  return RealVfs(v)->xNextSystemCall(RealVfs(v), name);
}

}  // namespace

Result<std::unique_ptr<DiskSpaceLimit>> DiskSpaceLimit::Install(int64_t free_bytes) {
  if (g_limit) return Status::Internal("a disk space limit is already installed");
  if (sqlite3_initialize() != SQLITE_OK) return Status::Internal("SQLite failed to initialise");
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (!real || real->iVersion < 3)
    return Status::Internal("the default SQLite VFS cannot be wrapped");
  auto limit = std::make_unique<Limit>();
  limit->real = real;
  limit->free = free_bytes;
  sqlite3_vfs& v = limit->vfs;
  v.iVersion = 3;
  v.szOsFile = static_cast<int>(sizeof(LimitedFile)) + real->szOsFile;
  v.mxPathname = real->mxPathname;
  v.zName = "openupr-disk-space-limit";
  v.pAppData = limit.get();
  v.xOpen = Open;
  v.xDelete = Delete;
  v.xAccess = Access;
  v.xFullPathname = FullPathname;
  v.xDlOpen = DlOpen;
  v.xDlError = DlError;
  v.xDlSym = DlSym;
  v.xDlClose = DlClose;
  v.xRandomness = Randomness;
  v.xSleep = Sleep;
  v.xCurrentTime = CurrentTime;
  v.xGetLastError = GetLastError;
  v.xCurrentTimeInt64 = CurrentTimeInt64;
  v.xSetSystemCall = SetSystemCall;
  v.xGetSystemCall = GetSystemCall;
  v.xNextSystemCall = NextSystemCall;
  if (sqlite3_vfs_register(&limit->vfs, /*makeDflt=*/1) != SQLITE_OK)
    return Status::Internal("SQLite refused the disk space limit VFS");
  g_limit = limit.release();
  return std::unique_ptr<DiskSpaceLimit>(new DiskSpaceLimit());
}

DiskSpaceLimit::~DiskSpaceLimit() {
  // The wrapped VFS becomes the default again.
  sqlite3_vfs_register(g_limit->real, /*makeDflt=*/1);
  sqlite3_vfs_unregister(&g_limit->vfs);
  delete g_limit;
  g_limit = nullptr;
}

int64_t DiskSpaceLimit::free_bytes() const { return g_limit->free.load(); }

int64_t DiskSpaceLimit::refused_writes() const { return g_limit->refused.load(); }

}  // namespace openupr::store
