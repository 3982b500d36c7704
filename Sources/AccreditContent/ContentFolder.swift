import AccreditEngine
import Foundation
import AccreditSupport

/// Reads a content folder from disk into `ContentFile`s for `ContentLoader`.
///
/// The folder is untrusted input and `FolderJail` reads it: links that leave it, loops, special files
/// and oversized files become errors positioned at the entry, and nothing outside the folder is opened.
public enum ContentFolder {
  /// The entries of the content root that are read: the two settings files and the content folders.
  public static let topLevel: Set<String> = Set(["site.yaml", "standards.yaml"] + Layout.folders)

  /// A problem with the folder itself, rather than with a file in it.
  public struct ReadError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// What was read: the files, and an error for every entry that was not.
  public struct Listing: Sendable {
    /// The files read, sorted by path.
    public var files: [ContentFile]
    /// An error for each entry not read (a link out of the folder, a loop, a file too large…).
    public var problems: [Diagnostic]
  }

  /// Reads and checks the content folder at `root`: every file, and every problem, in one pass. With a
  /// `cache`, files that did not change since its last load are not parsed again. With `listing` (the
  /// build cache's stamp of the folder), the folder is not walked a second time.
  public static func load(_ root: URL, listing: FolderJail.Listing? = nil, cache: ParseCache? = nil) throws(ReadError)
    -> ContentLoader.Result
  {
    guard let cache else {
      let listing = try read(root, listing: listing)
      return ContentLoader.load(listing.files, problems: listing.problems)
    }
    return load(try list(root, listing: listing), stamped: nil, cache: cache)
  }

  /// `load` with a parse cache, of the folder the build cache's record stamped just before (`stamp`): its
  /// walk is read and its stamps are the files' own, taken before any file is read, so that no file is
  /// stamped a second time (a `stat` and a `geteuid` each). `known`: the folder has the paths of a load
  /// that had no error (the build record's, when the record's check found only files edited), which the
  /// layout is not asked again to check.
  public static func load(stamp: FolderStamp, cache: ParseCache, known: Bool = false) -> ContentLoader.Result {
    load(stamp.listing, stamped: stamp, cache: cache, known: known)
  }

  private static func load(_ walked: FolderJail.Listing, stamped: FolderStamp?, cache: ParseCache, known: Bool = false)
    -> ContentLoader.Result
  {
    let stampedAt = stamped?.stampedAt ?? Int64(Date().timeIntervalSince1970 * 1_000_000_000)
    // The standards first: every parsed file was checked against them, and their change parses it again.
    let standardsHash =
      walked.files.first { $0.path == "standards.yaml" }
      .flatMap { try? FolderJail.read($0).get() }.map { StableHash.of($0) } ?? 0
    enum Outcome {
      case reused(ParseCache.Entry)
      case read([UInt8], FileStamp?)
      case failed(FolderJail.ReadFailure)
    }
    // The cache's entries, let go before the load stores new ones (held, they would be copied).
    let outcomes = { (entries: [String: ParseCache.Entry]) in
      Array(walked.files.indices).parallelMap { index -> Outcome in
        let file = walked.files[index]
        // Stamped before it is read: a change during the read leaves a stamp that no longer matches.
        let stamp = stamped.map { $0.stamps[index] } ?? FileStamp.ofReadable(at: file.location)
        if let stamp, file.path != "site.yaml", file.path != "standards.yaml",
          let entry = ParseCache.reusable(entries[file.path], path: file.path, stamp: stamp, standards: standardsHash)
        {
          return .reused(entry)
        }
        switch FolderJail.read(file) {
        case .success(let bytes): return .read(bytes, stamp)
        case .failure(let failure): return .failed(failure)
        }
      }
    }(cache.snapshot)
    var files: [ContentFile] = []
    var reused: [(path: String, entry: ParseCache.Entry)] = []
    var stamps: [String: FileStamp] = [:]
    var problems = walked.problems.map { Diagnostic(.error, at: SourceLocation(file: $0.path), $0.message) }
    for (file, outcome) in zip(walked.files, outcomes) {
      switch outcome {
      case .reused(let entry): reused.append((file.path, entry))
      case .read(let bytes, let stamp):
        files.append(ContentFile(path: file.path, bytes: bytes))
        stamps[file.path] = stamp
      case .failed(let failure):
        problems.append(Diagnostic(.error, at: SourceLocation(file: file.path), failure.description))
      }
    }
    var loaded = ContentLoader.load(files, reused: reused, problems: problems, cache: cache, known: known)
    cache.record(stamps, hashes: loaded.content.inputHashes, at: stampedAt)
    // A diagnostic in a file the cache answered for shows its source line like any other.
    let unread = Set(loaded.diagnostics.map(\.location.file)).filter { loaded.content.sources[$0] == nil }
    for file in unread.isEmpty ? [] : walked.files where unread.contains(file.path) {
      let path = file.path
      if case .success(let bytes) = FolderJail.read(file),
        case .success(let source) = SourceText.decode(bytes, path: path)
      {
        loaded.content.sources[path] = source
      }
    }
    return loaded
  }

  private static func list(_ root: URL, listing: FolderJail.Listing?) throws(ReadError) -> FolderJail.Listing {
    if let listing { return listing }
    do {
      return try FolderJail.list(root, only: topLevel, what: "content folder")
    } catch {
      throw ReadError(description: error.description)
    }
  }

  /// Why `loadWithoutErrors` gave no content: the text to print.
  public struct Unusable: Error, CustomStringConvertible {
    /// `accredit: error: …` for a folder that cannot be read, or every diagnostic with its count.
    public var description: String
  }

  /// The content of the folder at `root` when it has no errors (warnings are fine); otherwise what to
  /// print, with paths starting at `label`. For the commands that need valid content (`upcoming`, `changes`).
  /// With `listing`, the folder is not walked again (`changes` adds the problems of a git revision to it).
  public static func loadWithoutErrors(_ root: URL, label: String, listing: FolderJail.Listing? = nil) throws(Unusable)
    -> ContentLoader.Result
  {
    let loaded: ContentLoader.Result
    do {
      loaded = try load(root, listing: listing)
    } catch {
      throw Unusable(description: "accredit: error: \(error.description)\n")
    }
    guard !loaded.diagnostics.hasErrors else {
      let formatter = DiagnosticFormatter(root: label, sources: loaded.content.sources)
      throw Unusable(description: formatter.report(loaded.diagnostics))
    }
    return loaded
  }

  /// The `as_of:` date of `root`'s `site.yaml`, if it has one and it can be read; problems with the file are
  /// left to the full load to report.
  public static func settledDate(_ root: URL) -> Day? {
    siteSettings(root)?.asOf
  }

  /// `root`'s `site.yaml` alone, read before the rest (what a command must know first: `build` whether to
  /// look for Pagefind); nil when it is missing or cannot be read. Problems with the file are left to the
  /// full load to report.
  public static func siteSettings(_ root: URL) -> SiteSettings? {
    guard let listing = try? FolderJail.list(root, only: ["site.yaml"], what: "content folder"),
      let file = listing.files.first(where: { $0.path == "site.yaml" }),
      case .success(let bytes) = FolderJail.read(file),
      case .success(let source) = SourceText.decode(bytes, path: file.path)
    else { return nil }
    return SiteLoader.load(source, sink: DiagnosticSink())
  }

  /// Why `name` cannot be a partner slug or case id (it becomes a file name and a URL segment), or nil.
  public static func nameProblem(_ name: String, what: String) -> String? {
    Layout.slugProblem(name, at: SourceLocation(file: name), what: what)?.message
  }

  /// `partner slug 'X' differs only in case from partners/x.yaml; …` when `name` differs only in case from
  /// one of `existing` (each a name and the path to show), which a case-insensitive file system would take
  /// for the same file; nil otherwise. For `accredit new`, which `check`'s rule must not catch afterwards.
  public static func caseClash(_ what: String, _ name: String, existing: [(name: String, path: String)]) -> String? {
    let folded = name.lowercased()
    guard let other = existing.first(where: { $0.name != name && $0.name.lowercased() == folded }) else { return nil }
    return "\(what) '\(name)' differs only in case from \(other.path)" + Layout.oneOnMacOSAndWindows("file")
  }

  /// Every content file below `root`: `site.yaml`, `standards.yaml` and the files of the content folders.
  /// Hidden files and folders are skipped.
  public static func read(_ root: URL, listing walked: FolderJail.Listing? = nil) throws(ReadError) -> Listing {
    let listing = try list(root, listing: walked)
    // Reading is most of the time of a small build's input side: the files are read on every core.
    let read = listing.files.parallelMap { file in (file.path, FolderJail.read(file)) }
    var files: [ContentFile] = []
    files.reserveCapacity(read.count)
    var problems = listing.problems.map { Diagnostic(.error, at: SourceLocation(file: $0.path), $0.message) }
    for (path, result) in read {
      switch result {
      case .success(let bytes): files.append(ContentFile(path: path, bytes: bytes))
      case .failure(let failure):
        problems.append(Diagnostic(.error, at: SourceLocation(file: path), failure.description))
      }
    }
    return Listing(files: files, problems: problems)
  }
}

extension FileManager {
  /// Whether `path` names an existing folder (following symbolic links).
  public func isFolder(atPath path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}

extension ContentFolder {
  /// The partner slug and case id of the case file at `path` (`cases/<partner>/<id>.md`), or nil when
  /// `path` is not a case file.
  public static func casePath(_ path: String) -> (partner: String, id: String)? {
    guard case .escalation(let partner, let id)? = Layout.kind(of: path).kind else { return nil }
    return (partner, id)
  }

  /// The partner slug of the record at `path` (`partners/<slug>.yaml`), or nil when `path` is not a record.
  public static func recordSlug(_ path: String) -> String? {
    guard case .partner(let slug)? = Layout.kind(of: path).kind else { return nil }
    return slug
  }

  /// A hash of a case file's front matter, through its closing `---` line. When it is what it was, an edit
  /// changed the notes alone: the case's data, its diagnostics and every page but its own are the same.
  /// Nil when the file has no closed front matter.
  public static func caseHead(_ source: SourceText) -> UInt64? {
    FrontMatter.split(source, sink: DiagnosticSink())?.headHash
  }
}
