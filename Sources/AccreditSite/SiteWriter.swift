import AccreditContent
public import Foundation
import AccreditSupport

/// Writes a site's jobs to the output folder, incrementally when it can, and so that a build killed at
/// any moment never leaves a torn site.
///
/// A manifest in the output folder (`.accredit-manifest`) records, for every file, the key of what it was
/// made from and a hash of its bytes. The next build renders only the jobs whose key changed, writes only
/// files whose bytes changed (the others keep their modification times), and removes the files of
/// deleted partners and cases. Without a manifest, or with `--clean`, the whole folder is built anew
/// beside the old one and swapped in (`OutputFolder.replace`).
///
/// An incremental build writes in two steps, recorded in a journal (`.accredit-journal`):
/// 1. every changed file is written in full beside its final name (`<name>.accredit-tmp`), with the journal
///    saying `writing`; a failure or a kill here leaves the site as it was;
/// 2. the journal lists every rename and removal and says `committing`; they are done, the new manifest
///    last, and the journal is removed.
/// The next build (`recover`) removes the temporary files of step 1, or finishes step 2.
/// The steps protect against a killed process; they do not `fsync`, so a power cut can still lose writes.
public enum SiteWriter {
  /// The manifest's file name inside the output folder.
  public static let manifestName = ".accredit-manifest"
  /// The journal's file name inside the output folder, present only while a build writes.
  static let journalName = ".accredit-journal"
  /// The suffix of a file written beside its final name.
  static let temporarySuffix = ".accredit-tmp"

  /// What a write did.
  public struct Report: Sendable, Equatable {
    /// Files written (new or changed).
    public var written = 0
    /// Files left as they were.
    public var unchanged = 0
    /// Files removed because nothing makes them any more.
    public var removed = 0
    /// Whether the folder was built anew: it had no manifest (or `clean` was asked).
    public var isFull = false
    /// Whether the new site was put in place in one step (a staging folder swapped in), rather than file
    /// by file.
    public var isSwapped = false
    /// What the folder held that accredit did not make, found when it had no manifest: kept, never
    /// removed. A folder none of whose files the site makes is one entry, ending in `/`.
    public var kept: [String] = []
    /// What this build did to finish an interrupted one, and what it could not tidy up.
    public var notes: [String] = []
  }

  fileprivate struct Entry: Equatable, Sendable {
    let key: UInt64
    let hash: UInt64
  }

  /// Above this many files to write or remove, an update is written as a new folder and swapped in with
  /// one rename, so that a reader never sees a mix of two sites; at or below it, the files are renamed into
  /// place one by one, which takes a few milliseconds (see `docs/hardening.md`).
  static let inPlaceLimit = 256

  /// An output folder made ready for a build under its lock: what a killed build left is repaired, and the
  /// manifest is read, once, for the build cache's plans (`SiteBuilder`) and for the writer's decisions.
  struct Opened: Sendable {
    /// The output folder, its links resolved.
    let output: URL
    /// What repairing a killed build did.
    let notes: [String]
    /// The folder's manifest; nil when it has none (or a damaged one).
    let manifest: Manifest?
    /// Whether the folder holds every file the manifest lists, when that was looked up already
    /// (`checkingFiles`).
    var holdsEveryFile: Bool?

    /// The folder with whether it holds every file its manifest lists looked up (`patch`'s
    /// `holdingEveryFile`): done while the content loads, a record edit's write does not wait for it.
    func checkingFiles() -> Opened {
      var opened = self
      opened.holdsEveryFile = manifest.map { $0.isSorted && SiteWriter.holds($0, in: output.path) }
      return opened
    }
  }

  /// Finishes or undoes what an interrupted build left in `output`, then reads its manifest. The caller
  /// holds the output folder's lock (`OutputFolder.lock`) from here until `write(_:to:clean:)` is done, so
  /// that the manifest read is the folder's when the writer decides.
  static func openFolder(_ output: URL) throws -> Opened {
    let output = OutputFolder.resolved(output)
    var notes = OutputFolder.recover(output)
    if let repaired = try recover(output) { notes.append(repaired) }
    return Opened(output: output, notes: notes, manifest: readManifest(in: output))
  }

  /// Writes `jobs` into `output`; `clean` renders every file again. First finishes or undoes what an
  /// interrupted build left. Files that no build of accredit made are never removed: only those its
  /// manifest lists. The caller holds the output folder's lock (`OutputFolder.lock`).
  public static func write(_ jobs: [OutputJob], to output: URL, clean: Bool) throws -> Report {
    try write(jobs, to: openFolder(output), clean: clean)
  }

  /// Writes `jobs` into the folder `open` made ready; `clean` renders every file again. The caller still
  /// holds the lock it held for `open`.
  static func write(_ jobs: [OutputJob], to opened: Opened, clean: Bool) throws -> Report {
    let output = opened.output
    var notes = opened.notes
    let manifest = opened.manifest
    var report: Report
    if try isEmptyOrMissing(output) {
      report = Report(isFull: true, isSwapped: true)
      notes += try OutputFolder.replace(output) { staging in
        let results = try renderAndWrite(jobs, into: staging, previous: [], isFresh: true)
        report.written = jobs.count
        try writeAtomically(manifestBytes(results), to: staging.appendingPathComponent(manifestName).path, .manifest)
      }
    } else {
      // Each job's line of the manifest, looked up once: for what may be kept, what is removed, and the new
      // manifest, which is the old one with some keys and hashes changed when the files are the same.
      let lines = manifest.map { manifest in jobs.map { manifest.index[$0.path] ?? -1 } } ?? []
      let removals = manifest.map { removed(from: $0, lines: lines) } ?? []
      let previous = manifest.map { manifest in clean ? [] : lines.map { $0 < 0 ? nil : manifest.lines[$0].entry } }
      let plan = Plan(
        output: output, jobs: jobs, manifest: manifest, lines: lines, previous: previous ?? [], removals: removals,
        comparesDisk: manifest == nil)
      let changing =
        jobs.indices.count { $0 >= plan.previous.count || plan.previous[$0]?.key != jobs[$0].key } + removals.count
      let swaps = changing > inPlaceLimit && OutputFolder.canReplace(output)
      // The folder is walked once, before anything is written: for the files to link across, and for the
      // list of what was kept.
      let foreign = swaps || manifest == nil ? foreignEntries(in: output.path, plan: plan) : []
      report =
        if swaps, let swapped = try replace(plan, carrying: foreign, notes: &notes) {
          swapped
        } else {
          try update(plan)
        }
      report.isFull = manifest == nil || clean
      if manifest == nil {
        report.kept = foreign.map { $0.isFolder ? $0.path + "/" : $0.path }
          .filter { !$0.hasPrefix(Pagefind.folder + "/") }
      }
    }
    report.notes = notes
    return report
  }

  /// The paths `manifest` lists that no job makes (`lines`: each job's line), sorted.
  private static func removed(from manifest: Manifest, lines: [Int]) -> [String] {
    var made = [Bool](repeating: false, count: manifest.lines.count)
    for line in lines where line >= 0 { made[line] = true }
    var removed: Set<String> = []
    // A path listed twice is looked up by its last line, the one `index` has.
    for (line, entry) in manifest.lines.enumerated() where !made[line] {
      if let last = manifest.index[entry.path], !made[last] { removed.insert(entry.path) }
    }
    return removed.sorted()
  }

  /// What an update of a folder that holds files is made of.
  private struct Plan {
    let output: URL
    let jobs: [OutputJob]
    /// The previous build's manifest.
    let manifest: Manifest?
    /// Each job's line in `manifest`, or -1; empty without a manifest.
    let lines: [Int]
    /// The previous build's entry of each job, which may be kept as it is; empty with `clean` or without a
    /// manifest.
    let previous: [Entry?]
    /// Files the previous build made that this one does not.
    let removals: [String]
    /// Whether a file with no manifest entry is compared with what is on disk before it is written (no
    /// manifest: the folder's files are not known to be accredit's, and an equal one keeps its time).
    let comparesDisk: Bool

    /// Every path this build or the previous one made: anything else in the folder is not accredit's.
    var ours: Set<String> {
      Set(jobs.map(\.path)).union(manifest?.lines.map(\.path) ?? [])
    }

    /// The manifest of `results`: the previous one with its keys and hashes patched, when it lists the same
    /// files in order (a build that adds or removes no file), else written anew.
    func manifestBytes(_ results: [Result]) -> [UInt8] {
      if let manifest, removals.isEmpty, manifest.isSorted, results.count == manifest.lines.count,
        let patched = manifest.patched(with: results)
      {
        return patched
      }
      return SiteWriter.manifestBytes(results)
    }
  }

  private static func isEmptyOrMissing(_ output: URL) throws -> Bool {
    guard let stream = opendir(output.path) else {
      if errno == ENOENT { return true }
      throw WriteFailure("read the folder", output.path)
    }
    defer { closedir(stream) }
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
      if name != Array(".".utf8) && name != Array("..".utf8) { return false }
    }
    return true
  }

  /// Updates the live folder file by file, in the two steps of the journal.
  private static func update(_ plan: Plan) throws -> Report {
    let results = try writeInPlace(
      plan.jobs, into: plan.output, previous: plan.previous, lines: plan.lines, removals: plan.removals,
      comparesDisk: plan.comparesDisk
    ) { plan.manifestBytes($0) }
    var report = Report()
    for result in results { if result.wasWritten { report.written += 1 } else { report.unchanged += 1 } }
    report.removed = plan.removals.count
    return report
  }

  /// Writes the new site as a staging folder and swaps it in: unchanged files and every file accredit did
  /// not make are hard links to the live ones (so they keep their times, and cost no copy), changed files
  /// are written. Nil, with the staging folder gone, when a file cannot be linked: the caller then updates
  /// in place, which never moves a file it did not make.
  private static func replace(_ plan: Plan, carrying foreign: [Foreign], notes: inout [String]) throws -> Report? {
    var report = Report(isSwapped: true)
    do {
      notes += try OutputFolder.replace(plan.output) { staging in
        try carry(foreign, from: plan.output.path, to: staging.path)
        let results = try renderAndWrite(
          plan.jobs, into: staging, previous: plan.previous, lines: plan.lines, isFresh: true,
          linkingFrom: plan.output.path, comparesDisk: plan.comparesDisk)
        for result in results { if result.wasWritten { report.written += 1 } else { report.unchanged += 1 } }
        try writeAtomically(
          plan.manifestBytes(results), to: staging.appendingPathComponent(manifestName).path, .manifest)
      }
    } catch is CarryFailure {
      return nil
    }
    report.removed = plan.removals.count
    return report
  }

  /// A file accredit did not make could not be linked into a staging folder.
  private struct CarryFailure: Error {}

  /// An entry of the output folder that accredit did not make.
  private struct Foreign {
    let path: String
    let isFolder: Bool
  }

  /// The entries below `base` that are not accredit's: a folder none of whose files are accredit's is one
  /// entry. The manifest, journal and temporary files are accredit's.
  private static func foreignEntries(in base: String, plan: Plan) -> [Foreign] {
    let ours = plan.ours
    var ourFolders: Set<String> = [""]
    for path in ours {
      var folder = Substring(path)
      while let slash = folder.lastIndex(of: "/") {
        folder = folder[..<slash]
        guard ourFolders.insert(String(folder)).inserted else { break }
      }
    }
    var found: [Foreign] = []
    func walk(_ folder: String) {
      let full = folder.isEmpty ? base : base + "/" + folder
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { return }
      for name in names.sorted() {
        let path = folder.isEmpty ? name : folder + "/" + name
        if path == manifestName || path == journalName || name.hasSuffix(temporarySuffix) { continue }
        var status = stat()
        guard lstat(base + "/" + path, &status) == 0 else { continue }
        if status.st_mode & S_IFMT == S_IFDIR {
          if ourFolders.contains(path) { walk(path) } else { found.append(Foreign(path: path, isFolder: true)) }
        } else if !ours.contains(path) {
          found.append(Foreign(path: path, isFolder: false))
        }
      }
    }
    walk("")
    return found
  }

  /// Hard-links `entries` of the folder `source` into the folder `target`, folders made anew with their
  /// permissions.
  private static func carry(_ entries: [Foreign], from source: String, to target: String) throws {
    for entry in entries {
      let from = source + "/" + entry.path
      let to = target + "/" + entry.path
      try makeFolders(above: to)
      if entry.isFolder {
        var status = stat()
        guard lstat(from, &status) == 0, mkdir(to, status.st_mode & 0o7777 | 0o700) == 0 || errno == EEXIST,
          let names = try? FileManager.default.contentsOfDirectory(atPath: from)
        else { throw CarryFailure() }
        try carry(
          names.map { Foreign(path: entry.path + "/" + $0, isFolder: isFolder(source + "/" + entry.path + "/" + $0)) },
          from: source, to: target)
        chmod(to, status.st_mode & 0o7777)
      } else if linkat(AT_FDCWD, from, AT_FDCWD, to, 0) != 0 {
        throw CarryFailure()
      }
    }
  }

  private static func isFolder(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
  }

  /// Renders and writes `jobs` alone into `output`, leaving every other file and its manifest line as they
  /// are: for the pages of case notes edited alone (`BuildRecord`), which no other page shows. Nil, with
  /// nothing done, when the folder has no manifest or lacks one of the files. The caller holds the lock.
  static func patch(_ jobs: [OutputJob], in output: URL) throws -> Report? {
    try patch(jobs, in: openFolder(output.standardizedFileURL))
  }

  /// `patch` into the folder `opened` made ready, the caller still holding its lock; with `rekeyed`, files
  /// whose bytes are still right under a new key (a partner's files that do not show the field its record
  /// edit changed): their manifest lines take the new key, and they are neither rendered nor written. With
  /// `holdingEveryFile`, nil too when a file the manifest lists is not there (deleted by hand: the whole
  /// write restores it) or the manifest is not in a build's order (the whole write rewrites it).
  static func patch(
    _ jobs: [OutputJob], rekeyed: [(path: String, key: UInt64)] = [], in opened: Opened, holdingEveryFile: Bool = false
  ) throws -> Report? {
    guard let manifest = opened.manifest else { return nil }
    let lines = jobs.map { manifest.index[$0.path] ?? -1 }
    let rekeyedLines = rekeyed.map { manifest.index[$0.path] ?? -1 }
    guard !lines.contains(-1), !rekeyedLines.contains(-1) else { return nil }
    if holdingEveryFile {
      guard opened.holdsEveryFile ?? (manifest.isSorted && holds(manifest, in: opened.output.path)) else {
        return nil
      }
    }
    var report = Report()
    report.unchanged = manifest.lines.count
    report.notes = opened.notes
    let previous = lines.map { manifest.lines[$0].entry }
    let kept = zip(rekeyed, rekeyedLines).map { file, line in
      Result(
        path: file.path, entry: Entry(key: file.key, hash: manifest.lines[line].entry.hash), wasWritten: false,
        line: line)
    }
    _ = try writeInPlace(jobs, into: opened.output, previous: previous, lines: lines) { results in
      for result in results where result.wasWritten {
        report.written += 1
        report.unchanged -= 1
      }
      // Every other line stays as it is, in its place.
      return manifest.patched(with: results + kept) ?? manifest.bytes
    }
    return report
  }

  /// Whether every file `manifest` lists is in the folder `base`: looked up from the open folder, on every
  /// core, as the whole write looks up the files it keeps (`isKept`).
  fileprivate static func holds(_ manifest: Manifest, in base: String) -> Bool {
    let folder = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard folder >= 0 else { return false }
    defer { close(folder) }
    let parts = 16
    let size = (manifest.lines.count + parts - 1) / parts
    return stride(from: 0, to: manifest.lines.count, by: max(size, 1)).map { $0 }.parallelMap { start in
      manifest.lines[start..<min(start + size, manifest.lines.count)].allSatisfy {
        faccessat(folder, $0.path, F_OK, 0) == 0
      }
    }.allSatisfy { $0 }
  }

  /// An update of the live folder in the two steps above: renders and writes what changed beside its final
  /// name, then commits the renames, the removal of `removals` and the manifest `newManifest` makes. A
  /// failure before the commit (a full disk, say) removes every temporary file and the journal, leaving the
  /// folder exactly as it was.
  private static func writeInPlace(
    _ jobs: [OutputJob], into output: URL, previous: [Entry?], lines: [Int], removals: [String] = [],
    comparesDisk: Bool = false, newManifest: ([Result]) -> [UInt8]
  ) throws -> [Result] {
    let base = output.path
    let results: [Result]
    var journal = "committing\n"
    do {
      try writeAtomically(Array("writing\n".utf8), to: base + "/" + journalName, .journal)
      results = try renderAndWrite(
        jobs, into: output, previous: previous, lines: lines, comparesDisk: comparesDisk)
      try writeAtomically(newManifest(results), to: base + "/" + manifestName + temporarySuffix, .manifest)
      for result in results where result.wasWritten { journal += "R \(result.path)\n" }
      for path in removals { journal += "D \(path)\n" }
      journal += "R \(manifestName)\n"
      // Step 2 begins when this journal is in place: from then on `finish` does the commit again after a kill.
      try writeAtomically(Array(journal.utf8), to: base + "/" + journalName, .journal)
    } catch {
      removeTemporaryFiles(below: base)
      unlink(base + "/" + journalName)
      throw error
    }
    try finish(Substring(journal), in: output)
    return results
  }

  /// Finishes what an interrupted build left in `output`: a commit is done to its end; temporary files
  /// of a build killed before its commit are removed. Without a journal there is nothing to do. Returns
  /// what it did, for the build to say.
  static func recover(_ output: URL) throws -> String? {
    let journalPath = output.path + "/" + journalName
    guard let data = FileManager.default.contents(atPath: journalPath) else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    if text.hasPrefix("committing\n") {
      let done = try finish(Substring(text), in: output)
      return "finished the commit of an interrupted build: \(done.renamed) files renamed into place, "
        + "\(done.removed) removed"
    }
    let removed = removeTemporaryFiles(below: output.path)
    guard unlink(journalPath) == 0 else { throw WriteFailure("remove", journalPath) }
    return removed ? "removed the unfinished files of an interrupted build; the site was left as it was" : nil
  }

  /// Does the commit a journal lists: each `R path` renames `path.accredit-tmp` to `path` (when the
  /// temporary file is still there: a rename already done is skipped), each `D path` removes `path`.
  /// Then the journal goes.
  /// Returns how many renames and removals it did (those already done before a kill are not counted).
  @discardableResult
  private static func finish(_ journal: Substring, in output: URL) throws -> (renamed: Int, removed: Int) {
    let base = output.path
    var done = (renamed: 0, removed: 0)
    for line in journal.split(separator: "\n").dropFirst() {
      let path = base + "/" + line.dropFirst(2)
      if line.hasPrefix("R ") {
        let temporary = path + temporarySuffix
        if rename(temporary, path) == 0 {
          done.renamed += 1
        } else if errno != ENOENT {
          throw WriteFailure("rename", temporary, reason: String(cString: strerror(errno)) + " (to \(path))")
        }
      } else if line.hasPrefix("D ") {
        if unlink(path) == 0 {
          done.removed += 1
        } else if errno != ENOENT {
          throw WriteFailure("remove", path)
        }
        removeEmptyFolders(above: URL(fileURLWithPath: path), upTo: output)
      }
      CrashPoint.reach(.commit)
    }
    let journalPath = base + "/" + journalName
    guard unlink(journalPath) == 0 || errno == ENOENT else { throw WriteFailure("remove", journalPath) }
    return done
  }

  /// Removes every `*.accredit-tmp` file below `folder`, and the folders left empty by that; returns
  /// whether it removed anything.
  @discardableResult
  private static func removeTemporaryFiles(below folder: String) -> Bool {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
    var removed = false
    for name in names {
      let path = folder + "/" + name
      var status = stat()
      guard lstat(path, &status) == 0 else { continue }
      if status.st_mode & S_IFMT == S_IFDIR {
        if removeTemporaryFiles(below: path) {
          removed = true
          rmdir(path)  // fails, as it should, unless the folder is empty
        }
      } else if name.hasSuffix(temporarySuffix) {
        unlink(path)
        removed = true
      }
    }
    return removed
  }

  fileprivate struct Result: Sendable {
    let path: String
    let entry: Entry
    let wasWritten: Bool
    /// The file's line in the previous build's manifest, or -1.
    var line = -1
  }

  // Renders what changed and writes what differs, on every core. Into a fresh folder (a full build's
  // staging folder, which no reader sees before it is swapped in) each file is written in place, or, when
  // it is unchanged and `linkingFrom` names the live folder, linked from there; into the live folder,
  // beside its final name, for the commit step to rename. `previous` holds each job's entry in the previous
  // build's manifest, when it may be kept (empty: none); `lines`, each job's line there (or -1).
  private static func renderAndWrite(
    _ jobs: [OutputJob], into folder: URL, previous: [Entry?], lines: [Int] = [], isFresh: Bool = false,
    linkingFrom live: String? = nil, comparesDisk: Bool = false
  ) throws -> [Result] {
    let base = folder.path
    let current = live ?? base
    // A file kept in place is looked up from the open folder: fewer names for the system to walk, and no
    // path to put together, for each of the site's files.
    let descriptor = live == nil ? open(current, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1
    defer { if descriptor >= 0 { close(descriptor) } }
    let outcomes = Array(jobs.indices).parallelMap { index -> Swift.Result<Result, any Error> in
      let job = jobs[index]
      let old = index < previous.count ? previous[index] : nil
      let line = index < lines.count ? lines[index] : -1
      func keep(_ entry: Entry) -> Result? {
        let kept = Result(path: job.path, entry: entry, wasWritten: false, line: line)
        return isKept(job.path, in: base, linkingFrom: live, folder: descriptor) ? kept : nil
      }
      if let old, old.key == job.key, let kept = keep(old) { return .success(kept) }
      let bytes: [UInt8]
      do {
        bytes = try job.render()
      } catch {
        return .failure(error)
      }
      let hash = StableHash.of(bytes)
      let entry = Entry(key: job.key, hash: hash)
      if old?.hash == hash || (old == nil && comparesDisk && hasBytes(current + "/" + job.path, bytes)),
        let kept = keep(entry)
      {
        return .success(kept)
      }
      let path = base + "/" + job.path
      do {
        if isFresh {
          // In a new folder every page's own folder is new: making it first spares a failed `open`.
          if job.path.hasSuffix("/index.html") { try makeFolders(above: path) }
          try write(bytes, to: path, .write)
        } else {
          try write(bytes, to: path + temporarySuffix, .write)
        }
        CrashPoint.reach(.write)
      } catch {
        return .failure(error)
      }
      return .success(Result(path: job.path, entry: entry, wasWritten: true, line: line))
    }
    return try outcomes.map { try $0.get() }
  }

  /// Whether the file at `path` is kept as it is now: in place, it is there (looked up from the open
  /// `folder` when there is one, else in `base`); into a staging folder `base`, it is linked from `live`.
  private static func isKept(_ path: String, in base: String, linkingFrom live: String?, folder: Int32) -> Bool {
    guard let live else {
      return folder >= 0 ? faccessat(folder, path, F_OK, 0) == 0 : access(base + "/" + path, F_OK) == 0
    }
    let target = base + "/" + path
    if path.hasSuffix("/index.html") { try? makeFolders(above: target) }
    if linkat(AT_FDCWD, live + "/" + path, AT_FDCWD, target, 0) == 0 { return true }
    return errno == ENOENT && (try? makeFolders(above: target)) != nil
      && linkat(AT_FDCWD, live + "/" + path, AT_FDCWD, target, 0) == 0
  }

  /// Whether the regular file at `path` holds exactly `bytes`.
  private static func hasBytes(_ path: String, _ bytes: [UInt8]) -> Bool {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) == bytes.count
    else { return false }
    var found = [UInt8](repeating: 0, count: bytes.count)
    var filled = 0
    while filled < found.count {
      let count = found.withUnsafeMutableBytes { buffer in
        buffer.baseAddress.map { Foundation.read(descriptor, $0 + filled, buffer.count - filled) } ?? 0
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return false }
      filled += count
    }
    return found == bytes
  }

  /// Makes the folders above `path` that do not exist yet.
  private static func makeFolders(above path: String) throws {
    guard let slash = path.lastIndex(of: "/") else { return }
    try OutputFolder.makeFolder(String(path[..<slash]))
  }

  /// Writes `bytes` to `path` with one `write` call (more only if the system writes less at a time). A
  /// file it could not write in full is removed. `point` names the write for failures injected by tests.
  private static func write(_ bytes: [UInt8], to path: String, _ point: FailPoint) throws {
    if point.fails() {
      throw WriteFailure("write", path, reason: String(cString: strerror(ENOSPC)))
    }
    var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if descriptor < 0 && errno == ENOENT {
      // Folders are made as the files that go in them are written, rather than all first on one core.
      try makeFolders(above: path)
      descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }
    guard descriptor >= 0 else {
      throw WriteFailure("write", path)
    }
    do {
      defer { close(descriptor) }
      try bytes.withUnsafeBytes { buffer in
        guard let start = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
          let written = Foundation.write(descriptor, start + offset, buffer.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            throw WriteFailure("write", path)
          }
          offset += written
        }
      }
    } catch {
      unlink(path)
      throw error
    }
  }

  private static func writeAtomically(_ bytes: [UInt8], to path: String, _ point: FailPoint) throws {
    let temporary = path + temporarySuffix
    try write(bytes, to: temporary, point)
    guard rename(temporary, path) == 0 else {
      let failure = WriteFailure("rename", temporary, reason: String(cString: strerror(errno)) + " (to \(path))")
      unlink(temporary)
      throw failure
    }
  }

  private static func removeEmptyFolders(above file: URL, upTo root: URL) {
    var folder = file.deletingLastPathComponent().standardizedFileURL
    while folder.path.hasPrefix(root.path + "/"),
      (try? FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty) == true
    {
      try? FileManager.default.removeItem(at: folder)
      folder = folder.deletingLastPathComponent().standardizedFileURL
    }
  }

  // One line a file: key, hash, path; sorted by path, so the manifest is the same for the same site.
  private static func manifestBytes(_ results: [Result]) -> [UInt8] {
    var bytes = Array("accredit-manifest 1\n".utf8)
    bytes.reserveCapacity(results.count * 80)
    for result in results.sorted(by: { $0.path < $1.path }) {
      appendHex(result.entry.key, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      appendHex(result.entry.hash, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      bytes += result.path.utf8
      bytes.append(UInt8(ascii: "\n"))
    }
    return bytes
  }

  /// An output folder's manifest as read (`.accredit-manifest`): its bytes, and each line's path and entry.
  struct Manifest: Sendable {
    /// One line of the manifest, and where it begins in the file.
    fileprivate struct Line: Sendable {
      let path: String
      let entry: Entry
      let offset: Int
    }

    /// The file's bytes.
    fileprivate let bytes: [UInt8]
    /// The lines, in the file's order.
    fileprivate let lines: [Line]
    /// Each path's line (its last, should a hand-edited file list it twice).
    fileprivate let index: [String: Int]
    /// Whether every path comes after the one before it, as a build writes them.
    fileprivate let isSorted: Bool

    /// How many files the manifest lists.
    var count: Int { lines.count }

    /// The key of what the file at `path` was made from, as the manifest records it.
    func key(of path: String) -> UInt64? {
      index[path].map { lines[$0].entry.key }
    }

    /// These bytes with the key and hash of each of `results` that has a line (`Result.line`) written into
    /// it: the manifest of a build that made the same files, each line in its place, without formatting
    /// every line again. Nil when a result has no line.
    fileprivate func patched(with results: [Result]) -> [UInt8]? {
      var bytes = self.bytes
      for result in results {
        guard result.line >= 0, result.line < lines.count else { return nil }
        let line = lines[result.line]
        guard line.entry != result.entry else { continue }
        var hex: [UInt8] = []
        hex.reserveCapacity(33)
        appendHex(result.entry.key, to: &hex)
        hex.append(UInt8(ascii: " "))
        appendHex(result.entry.hash, to: &hex)
        bytes.replaceSubrange(line.offset..<(line.offset + hex.count), with: hex)
      }
      return bytes
    }
  }

  /// The manifest of the output folder `folder`; nil without one, or when it is not one accredit wrote.
  /// Read as bytes: splitting its text into strings took a tenth of a one-note build at 1,000 partners.
  static func readManifest(in folder: URL) -> Manifest? {
    guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(manifestName).path) else {
      return nil
    }
    let bytes = [UInt8](data)
    let lines = bytes.withUnsafeBufferPointer { bytes -> [Manifest.Line]? in
      let header = Array("accredit-manifest 1\n".utf8)
      guard bytes.starts(with: header), bytes.last == UInt8(ascii: "\n") else { return nil }
      var lines: [Manifest.Line] = []
      lines.reserveCapacity(bytes.count / 64)
      guard let first = bytes.baseAddress else { return nil }
      var start = header.count
      while start < bytes.count {
        guard let found = memchr(first + start, Int32(UInt8(ascii: "\n")), bytes.count - start) else { return nil }
        let end = first.distance(to: found.assumingMemoryBound(to: UInt8.self))
        guard end - start > 34, let key = parseHex(bytes[start..<(start + 16)]),
          bytes[start + 16] == UInt8(ascii: " "), let hash = parseHex(bytes[(start + 17)..<(start + 33)]),
          bytes[start + 33] == UInt8(ascii: " "),
          let path = text(UnsafeBufferPointer(rebasing: bytes[(start + 34)..<end]))
        else { return nil }
        lines.append(Manifest.Line(path: path, entry: Entry(key: key, hash: hash), offset: start))
        start = end + 1
      }
      return lines
    }
    guard let lines else { return nil }
    var index: [String: Int] = [:]
    index.reserveCapacity(lines.count)
    var isSorted = true
    for (position, line) in lines.enumerated() {
      index[line.path] = position
      if position > 0 && !(lines[position - 1].path < line.path) { isSorted = false }
    }
    return Manifest(bytes: bytes, lines: lines, index: index, isSorted: isSorted)
  }

  /// The UTF-8 text of `bytes`, nil when they are not UTF-8; a path of ASCII alone (the usual one) is
  /// decoded without the generic validation, which was a third of reading a manifest.
  private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    bytes.allSatisfy { $0 < 0x80 }
      ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
  }

  private static func parseHex(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? {
    var value: UInt64 = 0
    for digit in digits {
      switch digit {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(digit - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
      default: return nil
      }
    }
    return value
  }

  /// Appends `value` as 16 lowercase hexadecimal digits.
  private static func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
    for shift in stride(from: 60, through: 0, by: -4) {
      let digit = UInt8((value >> UInt64(shift)) & 0xF)
      bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
    }
  }
}
