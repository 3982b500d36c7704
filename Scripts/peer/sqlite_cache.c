// SQLite against accredit's own cache file, for the parse cache (issue 22: "SQLite is worth measuring as
// that one cache against the current binary files; choose by the numbers").
//
// Takes a parse cache file that a build wrote (`.accredit-cache/parse-*`) and the number of its entries,
// cuts its body into that many rows of equal size (the bytes a build stores, in as many rows as it has
// files), and times, in the same process and on the same disk, the operations a build does with it:
//   file:   read the whole file and check its checksum (what `ParseCache.load` does before decoding);
//           write the whole file beside its name and rename it (`ParseCache.save`);
//   SQLite: one table (path TEXT PRIMARY KEY, entry BLOB), WAL, synchronous=NORMAL: read every row; write
//           every row in one transaction; replace one row (an edit); read one row by path.
// Decoding the entries costs the same whichever store holds them, so it is left out. Prints medians.
//
// Built and run by `Scripts/benchmark sqlite-cache --cache FILE --entries N [--runs R]`.
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// accredit's StableHash: eight bytes at a time.
static uint64_t mix(uint64_t v) {
  uint64_t p = v * 0x9E3779B97F4A7C15ull;
  return p ^ (p >> 29);
}
static uint64_t stable_hash(const uint8_t *b, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, b + i, 8);
    h = mix(h ^ w);
  }
  uint64_t tail = 0;
  for (int s = 0; i < n; i++, s += 8) tail |= (uint64_t)b[i] << s;
  return mix(mix(h ^ tail) ^ n);
}

static uint8_t *read_whole(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) return NULL;
  uint8_t *buf = malloc(st.st_size + 1);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + got, st.st_size - got);
    if (r <= 0) break;
    got += r;
  }
  close(fd);
  *size = got;
  return buf;
}

static void write_whole(const char *path, const uint8_t *bytes, size_t size) {
  char temporary[4096];
  snprintf(temporary, sizeof temporary, "%s.tmp", path);
  int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  size_t put = 0;
  while (put < size) {
    ssize_t w = write(fd, bytes + put, size - put);
    if (w <= 0) break;
    put += w;
  }
  close(fd);
  rename(temporary, path);
}

static void check(int rc, sqlite3 *db, const char *what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fprintf(stderr, "sqlite_cache: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
  }
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, compare);
  return v[n / 2];
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: sqlite_cache CACHE-FILE ENTRIES WORK-FOLDER [RUNS]\n");
    return 64;
  }
  const char *cache = argv[1];
  int entries = atoi(argv[2]);
  const char *work = argv[3];
  int runs = argc > 4 ? atoi(argv[4]) : 5;
  if (entries < 1 || runs < 1 || runs > 100) return 64;
  size_t size;
  uint8_t *bytes = read_whole(cache, &size);
  if (!bytes || size < 8) {
    fprintf(stderr, "sqlite_cache: cannot read %s\n", cache);
    return 1;
  }
  char file[4096], database[4096], path[64];
  snprintf(file, sizeof file, "%s/parse-file", work);
  snprintf(database, sizeof database, "%s/cache.sqlite", work);
  size_t row = size / entries;

  double t[100], file_load[100], file_save[100], all_read[100], all_write[100], one_write[100], one_read[100];
  uint64_t sink = 0;
  write_whole(file, bytes, size);
  unlink(database);
  sqlite3 *db;
  check(sqlite3_open(database, &db), db, "open");
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                         "CREATE TABLE entries (path TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID;",
                     NULL, NULL, NULL),
        db, "create");
  sqlite3_stmt *insert, *select_all, *select_one;
  check(sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO entries VALUES (?, ?)", -1, &insert, NULL), db, "prepare");
  check(sqlite3_prepare_v2(db, "SELECT path, entry FROM entries", -1, &select_all, NULL), db, "prepare");
  check(sqlite3_prepare_v2(db, "SELECT entry FROM entries WHERE path = ?", -1, &select_one, NULL), db, "prepare");

  for (int r = 0; r < runs; r++) {
    // The file: write it whole, then read it whole and check it.
    t[0] = now();
    write_whole(file, bytes, size);
    file_save[r] = now() - t[0];
    t[0] = now();
    size_t got;
    uint8_t *again = read_whole(file, &got);
    sink += stable_hash(again, got - 8);
    free(again);
    file_load[r] = now() - t[0];

    // SQLite: every row in one transaction.
    t[0] = now();
    check(sqlite3_exec(db, "BEGIN; DELETE FROM entries;", NULL, NULL, NULL), db, "begin");
    for (int i = 0; i < entries; i++) {
      snprintf(path, sizeof path, "cases/partner-%06d/C-%d.md", i / 10, i);
      sqlite3_bind_text(insert, 1, path, -1, SQLITE_STATIC);
      sqlite3_bind_blob(insert, 2, bytes + (size_t)i * row, (int)row, SQLITE_STATIC);
      check(sqlite3_step(insert), db, "insert");
      sqlite3_reset(insert);
    }
    check(sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL), db, "commit");
    all_write[r] = now() - t[0];

    // Read every row (copied out, as a decoder would read it).
    t[0] = now();
    uint8_t *copy = malloc(row);
    while (sqlite3_step(select_all) == SQLITE_ROW) {
      const void *blob = sqlite3_column_blob(select_all, 1);
      int n = sqlite3_column_bytes(select_all, 1);
      memcpy(copy, blob, n < (int)row ? n : (int)row);
      sink += copy[0];
    }
    sqlite3_reset(select_all);
    all_read[r] = now() - t[0];

    // One edit: one row replaced, then read back.
    snprintf(path, sizeof path, "cases/partner-%06d/C-%d.md", (r * 37 % entries) / 10, r * 37 % entries);
    t[0] = now();
    sqlite3_bind_text(insert, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_blob(insert, 2, bytes, (int)row, SQLITE_STATIC);
    check(sqlite3_step(insert), db, "replace");
    sqlite3_reset(insert);
    one_write[r] = now() - t[0];
    t[0] = now();
    sqlite3_bind_text(select_one, 1, path, -1, SQLITE_STATIC);
    if (sqlite3_step(select_one) == SQLITE_ROW) sink += sqlite3_column_bytes(select_one, 0);
    sqlite3_reset(select_one);
    one_read[r] = now() - t[0];
    free(copy);
  }
  struct stat st;
  stat(database, &st);
  printf("%d entries, %.1f MB in the file, %.1f MB in the SQLite database; medians of %d runs (ms):\n", entries,
         size / 1e6, st.st_size / 1e6, runs);
  printf("  file:   load (read + checksum) %8.2f   save (write + rename) %8.2f\n", median(file_load, runs) * 1e3,
         median(file_save, runs) * 1e3);
  printf("  SQLite: read all rows          %8.2f   write all rows        %8.2f\n", median(all_read, runs) * 1e3,
         median(all_write, runs) * 1e3);
  printf("  SQLite: replace one row        %8.2f   read one row          %8.2f\n", median(one_write, runs) * 1e3,
         median(one_read, runs) * 1e3);
  sqlite3_close(db);
  unlink(file);
  // The sums are used, so that no read is optimized away.
  return sink == 42 ? 2 : 0;
}
