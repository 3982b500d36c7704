import AccreditContent
import AccreditEngine
import AccreditSupport
import Foundation

/// The build cache's record of a build: what it was made from (the tool, the options, the date, every
/// content and template file's stamp, the output folder's manifest) and what it printed. A build whose
/// inputs match the record has nothing to do, and says so without reading a file.
struct BuildRecord: Sendable {
  /// The tool and the options.
  let header: [String]
  /// The content folder's stamp; its walk is read by the build.
  let stamp: FolderStamp
  /// The templates folder's stamp, if one is laid over the built-in templates.
  let templates: FolderStamp?

  /// The lines that must match for the record to hold: tool, options, and a digest of every input file's
  /// stamp (a line per file would make a record to read of a megabyte at 10,000 partners).
  var inputs: [String] { inputs(smudgingAt: nil) }

  /// `inputs`, with the stamps of files changed within two seconds of `now` smudged (never matching).
  func inputs(smudgingAt now: Date?) -> [String] {
    header + [
      "content \(stamp.digest(smudgingAt: now))", "templates \(templates?.digest(smudgingAt: now) ?? "-")",
    ]
  }

  /// The name of the file beside the record `name` that holds a line per input file.
  static func filesName(_ name: String) -> String { name + "-files" }

  static func name(_ request: SiteBuilder.Request, _ output: SiteBuilder.Output) -> String {
    BuildCache.name(
      "build", [request.content.standardizedFileURL.path, output.folder.standardizedFileURL.path])
  }

  /// The record of `request`'s inputs now; nil when a folder cannot be stamped (the build reports why).
  static func current(_ request: SiteBuilder.Request) -> BuildRecord? {
    guard let content = FolderStamp.of(request.content, only: ContentFolder.topLevel, what: "content folder") else {
      return nil
    }
    let header = [
      "identity \(SiteRenderer.buildIdentity)",
      "request \(request.templates?.standardizedFileURL.path ?? "-")\t\(request.asOf?.iso ?? "-")\t"
        + "\(request.search ? 1 : 0)",
    ]
    var templates: FolderStamp?
    if let folder = request.templates {
      guard let stamp = FolderStamp.of(folder, what: "templates folder") else { return nil }
      templates = stamp
    }
    return BuildRecord(header: header, stamp: content, templates: templates)
  }

  /// The output folder's manifest, which a build rewrites whenever it writes: another build into the
  /// folder, or a hand-made change to the manifest, makes the record stale.
  static func outputLine(_ folder: URL) -> String {
    var status = stat()
    let path = folder.appendingPathComponent(SiteWriter.manifestName).path
    guard stat(path, &status) == 0 else { return "output -" }
    let stamp = FileStamp(status)
    return "output \(stamp.size) \(stamp.mtime) \(stamp.inode)"
  }

  /// What a record says besides its inputs, read back.
  struct Recorded {
    /// The inputs it was made from.
    var inputs: ArraySlice<String>
    /// The build it describes, as a build with nothing to do.
    var built: SiteBuilder.Built
    /// Where the date came from: `arg`, `site` or `today`.
    var dateSource: String
    /// The id of the record's case heads, kept beside it (`sideFiles`) since only a note edit reads them.
    var headsID: String
    /// The id of the record's lines per input file, kept beside it (`filesName`) for the same reason.
    var filesID: String
  }

  /// The name of the file beside the record `name` that holds each case file's front-matter hash.
  static func headsName(_ name: String) -> String { name + "-heads" }

  /// The files a record names by their ids, made as bytes before it is written (on another core, while
  /// the site is planned and written): each case file's front-matter hash (`headsName`), and a line per
  /// input file (`filesName`) with the record's inputs, smudged at the same moment.
  struct SideFiles: Sendable {
    /// The record's inputs (`inputs(smudgingAt:)`).
    let inputs: [String]
    /// The id of the heads, so that heads and record written by different builds are never used together.
    let headsID: String
    /// The lines of the heads' file, each ending in a line break.
    let heads: [UInt8]
    /// The id of the lines per input file.
    let filesID: String
    /// The lines of the file of lines per input file.
    let files: [UInt8]
  }

  /// The side files of a build of these inputs whose content has the case heads `heads`, smudged at `now`
  /// (a moment after every content file was read).
  func sideFiles(heads: [String: UInt64], now: Date) -> SideFiles {
    let (headsID, headsBody) = Self.heads(heads)
    let (inputs, filesID, files) = files(smudgingAt: now)
    return SideFiles(inputs: inputs, headsID: headsID, heads: headsBody, filesID: filesID, files: files)
  }

  /// Each case file's front-matter hash as the lines of its file (`hash path`, sorted by path, after an
  /// `id` line), and the id: the hash of the lines.
  private static func heads(_ heads: [String: UInt64]) -> (id: String, body: [UInt8]) {
    var lines: [UInt8] = []
    lines.reserveCapacity(heads.count * 64)
    for (path, hash) in heads.sorted(by: { $0.key < $1.key }) {
      if !lines.isEmpty { lines.append(UInt8(ascii: "\n")) }
      lines += String(hash, radix: 16).utf8
      lines.append(UInt8(ascii: " "))
      lines += path.utf8
    }
    let id = String(StableHash.of(lines), radix: 16)
    var body = Array("id \(id)\n".utf8)
    body.reserveCapacity(body.count + lines.count + 1)
    body += lines
    if !heads.isEmpty { body.append(UInt8(ascii: "\n")) }
    return (id, body)
  }

  /// The record's inputs smudged at `now`, the id of the file of lines per input file they make, and the
  /// lines of that file (its `id` line first).
  private func files(smudgingAt now: Date) -> (inputs: [String], id: String, body: [UInt8]) {
    let inputs = inputs(smudgingAt: now)
    let id = String(StableHash.of(inputs.joined(separator: "\n")), radix: 16)
    var body = Array("id \(id)\n".utf8)
    stamp.appendLines(prefix: "content ", smudgingAt: now, to: &body)
    templates?.appendLines(prefix: "templates ", smudgingAt: now, to: &body)
    return (inputs, id, body)
  }

  /// The front-matter hashes of the case files `paths` as the record `name` knows them; nil when the file
  /// of heads is missing, damaged or not the record's.
  static func heads(of paths: Set<String>, recorded: Recorded, name: String, in cache: BuildCache)
    -> [String: UInt64]?
  {
    guard case .found(let lines) = cache.read(headsName(name)), lines.first == "id \(recorded.headsID)" else {
      return nil
    }
    let endings = paths.map { " " + $0 }
    var heads: [String: UInt64] = [:]
    for line in lines.dropFirst() where endings.contains(where: { line.hasSuffix($0) }) {
      let parts = line.split(separator: " ", maxSplits: 1)
      guard parts.count == 2, paths.contains(String(parts[1])), let hash = UInt64(parts[0], radix: 16) else {
        continue
      }
      heads[String(parts[1])] = hash
    }
    return heads
  }

  /// The record's lines read back, or nil when it does not hold for `request` today: its date is not
  /// today's any more, or the output folder's manifest changed.
  static func read(_ lines: [String], request: SiteBuilder.Request, output: URL) -> Recorded? {
    guard let dateIndex = lines.firstIndex(where: { $0.hasPrefix("asof ") }), lines.count >= dateIndex + 4 else {
      return nil
    }
    var rest = lines[dateIndex...]
    // The date: as given, from site.yaml (unchanged with the files), or today's, which must still be today.
    let date = rest.removeFirst().split(separator: " ").map(String.init)
    guard date.count == 4, let asOf = Day(iso: date[1]), date[2] != "today" || date[3] == request.today.iso
    else { return nil }
    guard rest.removeFirst() == outputLine(output) else { return nil }
    let result = rest.removeFirst().split(separator: " ").map(String.init)
    guard result.count == 4, result[0] == "result", let fileCount = Int(result[1]), let partners = Int(result[2])
    else { return nil }
    var counts: [AccreditationStatus: Int] = [:]
    for pair in result[3].split(separator: ",") {
      let parts = pair.split(separator: "=")
      guard parts.count == 2, let status = AccreditationStatus(rawValue: String(parts[0])), let count = Int(parts[1])
      else { return nil }
      counts[status] = count
    }
    let heads = rest.removeFirst().split(separator: " ")
    guard heads.count == 3, heads[0] == "heads" else { return nil }
    var diagnostics: [Diagnostic] = []
    for line in rest {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { BuildCache.unescape($0) }
      guard fields.count == 6, fields[0] == "diagnostic", let severity = Diagnostic.Severity(rawValue: fields[1]),
        let lineNumber = Int(fields[3]), let column = Int(fields[4])
      else { return nil }
      diagnostics.append(
        Diagnostic(severity, at: SourceLocation(file: fields[2], line: lineNumber, column: column), fields[5]))
    }
    let built = SiteBuilder.Built(
      asOf: asOf, partnerCount: partners, statusCounts: counts, fileCount: fileCount,
      report: SiteWriter.Report(isFull: false), diagnostics: diagnostics, isUpToDate: true)
    return Recorded(
      inputs: lines[..<dateIndex], built: built, dateSource: date[2], headsID: String(heads[1]),
      filesID: String(heads[2]))
  }

  /// The build a record describes when its inputs are these: nothing to do.
  func replay(_ recorded: Recorded) -> SiteBuilder.Built? {
    recorded.inputs.elementsEqual(inputs) ? recorded.built : nil
  }

  /// The content files whose stamps changed since the record `name`, when nothing else did: the same
  /// tool, options, templates and files, some of them edited. Nil otherwise.
  ///
  /// The file of lines per input file is compared as bytes with the lines the stamps make now: a string a
  /// line, both sides, took 15 ms of a record edit at 1,000 × 10.
  func editedFiles(since recorded: Recorded, name: String, in cache: BuildCache) -> Set<String>? {
    guard recorded.inputs.count == header.count + 2, recorded.inputs.prefix(header.count).elementsEqual(header),
      let old = cache.readBody(Self.filesName(name))
    else { return nil }
    var new = Array("id \(recorded.filesID)\n".utf8)
    stamp.appendLines(prefix: "content ", smudgingAt: nil, to: &new)
    templates?.appendLines(prefix: "templates ", smudgingAt: nil, to: &new)
    let newline = UInt8(ascii: "\n")
    let content = Array("content ".utf8)
    // The path of a line `content size mtime inode path`: what follows its fourth space.
    func path(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
      guard line.starts(with: content) else { return nil }
      var spaces = 0
      for index in line.indices where line[index] == UInt8(ascii: " ") {
        spaces += 1
        if spaces == 4 { return line[(index + 1)...] }
      }
      return nil
    }
    var edited: Set<String> = []
    var (oldStart, newStart) = (old.startIndex, new.startIndex)
    while oldStart < old.endIndex && newStart < new.endIndex {
      let oldEnd = old[oldStart...].firstIndex(of: newline) ?? old.endIndex
      let newEnd = new[newStart...].firstIndex(of: newline) ?? new.endIndex
      let (oldLine, newLine) = (old[oldStart..<oldEnd], new[newStart..<newEnd])
      if oldLine != newLine {
        // The first line is the id, which must be the record's.
        guard let oldPath = path(oldLine), let newPath = path(newLine), oldPath == newPath,
          let edit = String(validating: oldPath, as: UTF8.self)
        else { return nil }
        edited.insert(edit)
      }
      (oldStart, newStart) = (oldEnd + 1, newEnd + 1)
    }
    // As many lines on each side.
    guard oldStart >= old.endIndex && newStart >= new.endIndex else { return nil }
    return edited
  }

  /// Writes the record `name` of a build just made from these inputs, with its side files beside it.
  func write(
    _ name: String, in cache: BuildCache, for built: SiteBuilder.Built, source: String, sideFiles: SideFiles,
    request: SiteBuilder.Request, output: URL
  ) {
    cache.write(Self.headsName(name), body: sideFiles.heads)
    cache.write(Self.filesName(name), body: sideFiles.files)
    cache.write(
      name,
      lines(
        for: built, inputs: sideFiles.inputs, source: source, headsID: sideFiles.headsID, filesID: sideFiles.filesID,
        request: request, output: output))
  }

  /// Writes the record `name` of a build just made from these inputs whose case heads are the recorded
  /// ones, `headsID` (a build of case notes edited alone), with its file of lines per input file beside it.
  func write(
    _ name: String, in cache: BuildCache, for built: SiteBuilder.Built, source: String, headsID: String,
    request: SiteBuilder.Request, output: URL
  ) {
    let (inputs, filesID, files) = files(smudgingAt: Date())
    cache.write(Self.filesName(name), body: files)
    cache.write(
      name,
      lines(
        for: built, inputs: inputs, source: source, headsID: headsID, filesID: filesID, request: request,
        output: output))
  }

  /// The record of a build just made from these inputs.
  private func lines(
    for built: SiteBuilder.Built, inputs: [String], source: String, headsID: String, filesID: String,
    request: SiteBuilder.Request, output: URL
  ) -> [String] {
    let counts = AccreditationStatus.allCases.map { "\($0.rawValue)=\(built.statusCounts[$0] ?? 0)" }
    return inputs + [
      "asof \(built.asOf.iso) \(source) \(request.today.iso)",
      BuildRecord.outputLine(output),
      "result \(built.fileCount) \(built.partnerCount) \(counts.joined(separator: ","))",
      "heads \(headsID) \(filesID)",
    ]
      + built.diagnostics.map { diagnostic in
        [
          "diagnostic", diagnostic.severity.rawValue, diagnostic.location.file, String(diagnostic.location.line),
          String(diagnostic.location.column), diagnostic.message,
        ].map(BuildCache.escape).joined(separator: "\t")
      }
  }
}
