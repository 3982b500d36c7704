import AccreditContent
import AccreditSite
import Foundation
import AccreditSupport

/// One file of the site as the preview server serves it.
struct ServedFile: Sendable {
  /// The bytes, as built (without the reload script).
  let bytes: [UInt8]
  /// The `Content-Type`.
  let contentType: String
  /// A strong validator of the bytes.
  let etag: String
  /// When these bytes were first built, for `Last-Modified` (whole seconds).
  let lastModified: Date
  /// The key of what the file was made from, so the next build can reuse it.
  let key: UInt64
  /// Whether the reload script and the error overlay go into it.
  var isHTML: Bool { contentType.hasPrefix("text/html") }
}

/// A complete built site held in memory. Requests read one snapshot, and a rebuild swaps in a new one
/// whole, so a request sees the old site or the new one and never a half-written page.
struct SiteSnapshot: Sendable {
  /// Files by path relative to the site root (`partners/x/index.html`).
  private(set) var files: [String: ServedFile]
  /// Counts successful builds; pages carry it so that the reload script can tell a newer site.
  private(set) var generation: Int
  /// The diagnostics of the last build, when it failed; the last good files are still served.
  let problems: String?
  /// Whether this is the first build's early part (the overview, the 404 page, static files), served while
  /// the rest renders; a request for another file waits for the whole site.
  let isPartial: Bool
  /// Whether a build (good or failed) has published all it will: not before the first build, nor during
  /// its early part.
  var isWhole: Bool { !isPartial && generation > 0 }
  /// What goes into every HTML page of this snapshot (reload script, error overlay), and its hash:
  /// made once here rather than on every request.
  private(set) var injection: [UInt8]
  private(set) var injectionTag: String

  init(files: [String: ServedFile], generation: Int, problems: String?, isPartial: Bool = false) {
    self.files = files
    self.generation = generation
    self.problems = problems
    self.isPartial = isPartial
    (injection, injectionTag) = Self.injection(generation: generation, problems: problems)
  }

  private static func injection(generation: Int, problems: String?) -> ([UInt8], String) {
    let injection = Array(Injection.snippet(generation: generation, problems: problems).utf8)
    return (injection, String(StableHash.of(injection), radix: 16))
  }

  static let empty = SiteSnapshot(files: [:], generation: 0, problems: nil)

  /// The snapshot after a successful build: files whose bytes did not change keep their `Last-Modified`.
  func replacing(with output: [OutputFile], at time: Date, isPartial: Bool = false) -> SiteSnapshot {
    let now = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
    var files: [String: ServedFile] = [:]
    files.reserveCapacity(output.count)
    for file in output {
      let previous = self.files[file.path]
      // A file reused from the previous render has its bytes, so it keeps its validators: hashing every
      // file's bytes again took a tenth of a one-note rebuild at 1,000 partners.
      if file.isReused, let previous, previous.key == file.key {
        files[file.path] = previous
        continue
      }
      let etag = SiteSnapshot.etag(of: file.bytes)
      files[file.path] = ServedFile(
        bytes: file.bytes, contentType: ContentTypes.forPath(file.path), etag: etag,
        lastModified: previous?.etag == etag ? previous?.lastModified ?? now : now, key: file.key)
    }
    // The rest of the first build completes its early part: the same build, so the same generation.
    return SiteSnapshot(
      files: files, generation: self.isPartial ? generation : generation + 1, problems: nil, isPartial: isPartial)
  }

  /// Puts in the files of a build that made `output` alone (an incremental edit) and takes out `removed`, in
  /// place: the other thousands of files are neither copied nor freed, as a new snapshot would (a third of
  /// such a rebuild).
  mutating func patch(with output: [OutputFile], removing removed: [String] = [], at time: Date) {
    let now = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
    for path in removed { files.removeValue(forKey: path) }
    for file in output {
      let etag = SiteSnapshot.etag(of: file.bytes)
      let previous = files[file.path]
      files[file.path] = ServedFile(
        bytes: file.bytes, contentType: ContentTypes.forPath(file.path), etag: etag,
        lastModified: previous?.etag == etag ? previous?.lastModified ?? now : now, key: file.key)
    }
    generation += 1
    (injection, injectionTag) = Self.injection(generation: generation, problems: nil)
  }

  /// What the last good build rendered, for an incremental render.
  var renderedFiles: [String: (key: UInt64, bytes: [UInt8])] {
    files.mapValues { ($0.key, $0.bytes) }
  }

  /// The snapshot after a failed build: the same files, with the problems to show.
  func failing(with problems: String) -> SiteSnapshot {
    SiteSnapshot(files: files, generation: generation + 1, problems: problems)
  }

  // The build's stable hash is a good enough validator for a preview server.
  static func etag(of bytes: [UInt8]) -> String {
    let hex = String(StableHash.of(bytes), radix: 16)
    return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "-\(bytes.count)\""
  }
}

/// Content types by file extension, for the files accredit writes.
enum ContentTypes {
  static func forPath(_ path: String) -> String {
    let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
    return types[ext] ?? "application/octet-stream"
  }

  private static let types = [
    "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8", "json": "application/json", "svg": "image/svg+xml",
    "xml": "application/xml", "txt": "text/plain; charset=utf-8", "png": "image/png", "jpg": "image/jpeg",
    "jpeg": "image/jpeg", "gif": "image/gif", "ico": "image/x-icon", "woff2": "font/woff2", "webp": "image/webp",
    "csv": "text/csv; charset=utf-8",
  ]
}
