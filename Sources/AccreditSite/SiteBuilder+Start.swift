public import AccreditContent
import AccreditEngine
public import Foundation

extension SiteBuilder {
  /// What `accredit serve` needs to answer its first requests before it has rendered anything: the files a
  /// browser asks for first (the overview, the 404 page, the static files) as the last render made them,
  /// kept in the build cache as a record (`BuildCache`: header, lines, checksum) with the stamps of every
  /// input file taken before that render read them. A start whose inputs stamp as recorded (the same tool,
  /// options, templates and content files, and the same evaluation date) serves these files at once while
  /// the site renders; anything else, a damaged record among them, is ignored and the server waits for
  /// the render as before.
  public struct StartStamp: Sendable {
    let record: BuildRecord

    /// The stamp of `request`'s inputs now, to be taken before a render reads them; nil when a folder
    /// cannot be stamped (the render reports why).
    public init?(_ request: Request) {
      guard let record = BuildRecord.current(request) else { return nil }
      self.record = record
    }

    private init(record: BuildRecord) {
      self.record = record
    }

    /// The stamp after an edit of the content files at `paths` alone (relative to the content folder),
    /// those files stamped again now, before the edit's render reads them; nil when one was added or
    /// removed, or cannot be stamped.
    public func restamping(_ paths: some Sequence<String>) -> StartStamp? {
      record.stamp.restamping(paths).map {
        StartStamp(record: BuildRecord(header: record.header, stamp: $0, templates: record.templates))
      }
    }
  }

  /// What a start record is made of besides its files: the stamp of the inputs the files were rendered
  /// from, the evaluation date and where it came from, and which files are the static ones.
  public struct StartRecord: Sendable {
    /// The inputs' stamp, taken before the render read them.
    public var stamp: StartStamp
    let asOf: Day
    let dateSource: String
    let staticPaths: Set<String>

    /// The record of a whole render that read its inputs as `stamp` found them.
    public init(_ rendered: Rendered, stamp: StartStamp) {
      self.stamp = stamp
      asOf = rendered.asOf
      dateSource = rendered.dateSource
      staticPaths = rendered.staticPaths
    }

    /// Whether the content files at `paths` stamp now as the record's stamp has them.
    public func isCurrent(_ paths: some Sequence<String>) -> Bool {
      stamp.record.stamp.isCurrent(paths)
    }

    /// Whether `path` is one of the files a start record keeps: the overview, the 404 page, a static file.
    public func keeps(_ path: String) -> Bool {
      path == Route.home.file || path == Route.notFound.file || staticPaths.contains(path)
    }

    /// The paths of the files a start record keeps (`keeps`): looked up, not found among every file.
    public var keptPaths: [String] { [Route.home.file, Route.notFound.file] + staticPaths.sorted() }

    /// Writes the record of `files` (those it `keeps`, the site's as rendered from the stamped inputs) into
    /// `cache`; files changed within two seconds of the stamp are smudged, so that they never match.
    public func write(_ files: [OutputFile], request: Request, cache: BuildCache, now: Date = Date()) {
      let kept = files.filter { keeps($0.path) }.sorted { $0.path < $1.path }
      guard kept.contains(where: { $0.path == Route.home.file }) else { return }
      let lines =
        stamp.record.inputs(smudgingAt: now) + ["asof \(asOf.iso) \(dateSource) \(request.today.iso)"]
        + kept.map { file in
          ["file", String(file.key, radix: 16), BuildCache.escape(file.path), Data(file.bytes).base64EncodedString()]
            .joined(separator: "\t")
        }
      cache.write(startRecordName(request), lines)
    }
  }

  /// What looking for the start files found.
  public enum StartLookup: Sendable {
    /// No record, or one made from other inputs (an edit since, another date): nothing to say.
    case none
    /// The record cannot be trusted, and why (truncated, damaged, another version's).
    case damaged(String)
    /// The files, correct for the inputs as stamped.
    case found([OutputFile])
  }

  /// The name of the start record of `request` (its content and templates folders and its date option).
  static func startRecordName(_ request: Request) -> String {
    BuildCache.name(
      "serve",
      [
        request.content.standardizedFileURL.path, request.templates?.standardizedFileURL.path ?? "-",
        request.asOf?.iso ?? "-",
      ])
  }

  /// The start files recorded in `cache` for `request`, if the record holds for the inputs as `stamp` found
  /// them.
  public static func startFiles(_ request: Request, stamp: StartStamp, cache: BuildCache) -> StartLookup {
    let name = startRecordName(request)
    let damaged = { (why: String) in
      StartLookup.damaged("ignoring the build cache's start record \(cache.folder.path)/\(name) (\(why))")
    }
    switch cache.read(name) {
    case .missing: return .none
    case .damaged(let why): return damaged(why)
    case .found(let lines):
      let inputs = stamp.record.inputs
      guard lines.count > inputs.count + 1, lines[..<inputs.count].elementsEqual(inputs) else { return .none }
      // The date: as given or from site.yaml (both in the inputs), or today's, which must still be today.
      let date = lines[inputs.count].split(separator: " ").map(String.init)
      guard date.count == 4, date[0] == "asof", Day(iso: date[1]) != nil,
        date[2] != EvaluationDate.Source.today.rawValue || date[3] == request.today.iso
      else { return .none }
      var files: [OutputFile] = []
      for line in lines[(inputs.count + 1)...] {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == "file", let key = UInt64(fields[1], radix: 16),
          let bytes = Data(base64Encoded: String(fields[3]))
        else { return damaged("it is damaged") }
        files.append(OutputFile(path: BuildCache.unescape(fields[2]), bytes: [UInt8](bytes), key: key))
      }
      guard files.contains(where: { $0.path == Route.home.file }) else { return .none }
      return .found(files)
    }
  }
}
