public import AccreditEngine
import AccreditSupport
import Foundation

extension EscalationCase {
  /// What the case is apart from its notes, as one hash: its parse-cache encoding with the notes left out,
  /// locations with their files. The pages other than the case's own show exactly this (`InputKeys` in
  /// AccreditSite), so that a notes edit renders the case page alone. Taken from the encoding, not from a
  /// list of fields of its own: a test holds the encoding to every field of the model (a cache round trip
  /// compared with `==`), so a field added to the model cannot be missing from this key.
  public var dataHash: UInt64 {
    var data = self
    data.notes = ""
    var writer = CacheWriter(capacity: 256)
    writer.escalation(data, in: "")
    return StableHash.of(writer.bytes)
  }
}

extension Partner {
  /// What every partner's evaluation and history read of the record, as one hash: its parse-cache encoding
  /// with the region, the website and the PDM left out (no evaluation reads them; the partner's page, the
  /// lists and the agendas show them, keyed by the record's bytes). The files made from every evaluation
  /// (`KeyRule.evaluated` in AccreditSite: `api/status.json`, `api/history.json`, the feed, the history
  /// pages, the board) take this instead of the record's bytes, so that a region, website or PDM edit does not render
  /// them. The entries' positions are in it: a line added above an entry moves what its reasons cite. Taken
  /// from the encoding, for the reason `EscalationCase.dataHash` is.
  public var evaluatedHash: UInt64 {
    var data = self
    data.region = nil
    data.website = nil
    data.pdm = nil
    var writer = CacheWriter(capacity: 256)
    writer.partner(data, in: "")
    return StableHash.of(writer.bytes)
  }
}

/// The envelope of the cache's binary files (the parse cache, the partners' memo): a header line that names
/// the format and its version (`accredit-parse 4\n`), the body, then the checksum of everything before it
/// (`StableHash.checksum`, eight bytes, little-endian). The text records have theirs in `BuildCache` (a
/// header line, lines, a checksum line).
package enum BinaryEnvelope {
  /// Ends `writer`'s bytes, which start with the header, with their checksum.
  package static func seal(_ writer: inout CacheWriter) {
    writer.word(writer.bytes.withUnsafeBytes { StableHash.checksum($0) })
  }

  /// Where the body of `bytes` is (after `header`, before the checksum), or why the file cannot be trusted:
  /// another version of the format wrote it, it has no header, it is truncated, or its checksum fails.
  package static func body(of bytes: [UInt8], header: [UInt8]) -> Result<Range<Int>, Damage> {
    bytes.withUnsafeBytes { body(of: $0, header: header) }
  }

  /// `body(of:header:)` of bytes in memory (a mapped file's).
  package static func body(of bytes: UnsafeRawBufferPointer, header: [UInt8]) -> Result<Range<Int>, Damage> {
    guard bytes.starts(with: header) else {
      let family = header.prefix { $0 != UInt8(ascii: " ") } + [UInt8(ascii: " ")]
      return .failure(Damage(bytes.starts(with: family) ? "another version wrote it" : "no header"))
    }
    guard bytes.count >= header.count + 8 else { return .failure(Damage("it is truncated")) }
    let end = bytes.count - 8
    let checksum = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt64.self))
    guard StableHash.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<end])) == checksum else {
      return .failure(Damage("its checksum does not match"))
    }
    return .success(header.count..<end)
  }

  /// Why a file cannot be trusted, as a warning says it.
  package struct Damage: Error {
    package let why: String
    init(_ why: String) { self.why = why }
  }
}

/// The binary form of parsed content files in the persistent parse cache: variable-length integers and
/// length-prefixed UTF-8, field after field in declaration order. Written by hand because no library the
/// project uses has a binary `Codable` coder, and Foundation's JSON coders decoded the 11,000 parsed files
/// of a 1,000-partner program far slower than parsing them again would take on two cores.
///
/// Locations carry their file only when it differs from the file being coded (it never does in practice),
/// so that thousands of copies of a path are neither written nor read.
package struct CacheWriter {
  /// The bytes written so far.
  package private(set) var bytes: [UInt8] = []

  package init(capacity: Int = 0) {
    bytes.reserveCapacity(capacity)
  }

  package mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }

  package mutating func int(_ value: Int) {
    // Zigzag, then 7 bits a byte.
    var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
    while rest >= 0x80 {
      bytes.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  package mutating func word(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  package mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

  /// Notes, as `string(_:)` writes a string; kept bytes are copied as they are, not decoded.
  package mutating func noteText(_ value: NoteText) {
    value.withUTF8 { utf8 in
      int(utf8.count)
      bytes.append(contentsOf: utf8)
    }
  }

  package mutating func string(_ value: String) {
    var value = value
    value.withUTF8 { utf8 in
      int(utf8.count)
      bytes.append(contentsOf: utf8)
    }
  }

  package mutating func optional<T>(_ value: T?, _ write: (inout CacheWriter, T) -> Void) {
    bool(value != nil)
    if let value { write(&self, value) }
  }

  package mutating func list<T>(_ values: [T], _ write: (inout CacheWriter, T) -> Void) {
    int(values.count)
    for value in values { write(&self, value) }
  }

  package mutating func day(_ value: Day) {
    int(value.year)
    int(value.month)
    int(value.day)
  }

  package mutating func location(_ value: SourceLocation, in file: String) {
    optional(value.file == file ? nil : value.file) { $0.string($1) }
    int(value.line)
    int(value.column)
  }

  mutating func diagnostic(_ value: Diagnostic, in file: String) {
    bool(value.severity == .error)
    location(value.location, in: file)
    string(value.message)
  }

  mutating func loaded(_ value: LoadedFile, in file: String) {
    switch value {
    case .partner(let partner):
      int(0)
      optional(partner) { $0.partner($1, in: file) }
    case .escalation(let escalation):
      int(1)
      optional(escalation) { $0.escalation($1, in: file) }
    case .faq(let entry):
      int(2)
      optional(entry) { writer, entry in
        writer.document(slug: entry.slug, title: entry.question, order: entry.order, body: entry.body)
        writer.location(entry.location, in: file)
      }
    case .page(let page):
      int(3)
      optional(page) { writer, page in
        writer.document(slug: page.slug, title: page.title, order: page.order, body: page.body)
        writer.location(page.location, in: file)
      }
    case .none:
      int(4)
    }
  }

  private mutating func document(slug: String, title: String, order: Int?, body: String) {
    string(slug)
    string(title)
    optional(order) { $0.int($1) }
    string(body)
  }

  fileprivate mutating func partner(_ value: Partner, in file: String) {
    string(value.slug)
    string(value.name)
    for text in [value.region, value.website, value.pdm] { optional(text) { $0.string($1) } }
    list(value.tiers) { writer, tier in
      writer.day(tier.reviewed)
      writer.string(tier.tier)
      writer.location(tier.location, in: file)
    }
    list(value.grace) { writer, grace in
      writer.day(grace.from)
      writer.day(grace.until)
      writer.optional(grace.note) { $0.string($1) }
      writer.location(grace.location, in: file)
    }
    list(value.certifications) { writer, certification in
      writer.string(certification.name)
      writer.day(certification.earned)
      writer.optional(certification.expires) { $0.day($1) }
      writer.location(certification.location, in: file)
    }
    list(value.accreditations) { writer, accreditation in
      writer.string(accreditation.type)
      writer.day(accreditation.issued)
      writer.location(accreditation.location, in: file)
    }
    list(value.decisions) { writer, decision in
      writer.day(decision.date)
      writer.string(decision.accreditation)
      writer.string(decision.outcome.rawValue)
      writer.bool(decision.hasDirectorApproval)
      writer.optional(decision.caseID) { $0.string($1) }
      writer.optional(decision.note) { $0.string($1) }
      writer.location(decision.location, in: file)
    }
    location(value.location, in: file)
  }

  fileprivate mutating func escalation(_ value: EscalationCase, in file: String) {
    string(value.id)
    string(value.partnerSlug)
    string(value.customer)
    optional(value.accreditation) { writer, accreditation in
      writer.string(accreditation.value)
      writer.location(accreditation.location, in: file)
    }
    bool(value.isSerious)
    optional(value.seriousLocation) { $0.location($1, in: file) }
    list(value.steps) { writer, step in
      writer.string(step.stage.rawValue)
      writer.day(step.date)
      writer.location(step.location, in: file)
    }
    optional(value.outcome) { writer, outcome in
      writer.string(outcome.decision.rawValue)
      writer.day(outcome.date)
      writer.location(outcome.location, in: file)
    }
    noteText(value.noteText)
    location(value.location, in: file)
  }
}

/// Reads what `CacheWriter` wrote; any byte out of place throws, and the cache is then not used.
package struct CacheReader {
  /// The bytes do not decode: truncated, damaged or of another format.
  package struct Damaged: Error {
    /// Creates the error.
    package init() {}
  }

  /// What keeps `bytes` alive: the array they are the elements of, or the mapped file.
  private let owner: Owner
  private let bytes: UnsafeRawBufferPointer
  private(set) var offset: Int
  /// Where the coded part ends (a checksum may follow).
  private var end: Int

  private enum Owner {
    case array([UInt8])
    case mapping(MappedFile)
  }

  package init(_ bytes: [UInt8], from offset: Int = 0, to end: Int? = nil) {
    owner = .array(bytes)
    // The array is kept (immutable) in `owner`, so its elements stay where they are.
    self.bytes = bytes.withUnsafeBytes { $0 }
    self.offset = offset
    self.end = min(end ?? bytes.count, bytes.count)
  }

  /// A reader of a mapped file's bytes, which it keeps mapped.
  package init(_ file: MappedFile, from offset: Int = 0, to end: Int? = nil) {
    owner = .mapping(file)
    bytes = file.bytes
    self.offset = offset
    self.end = min(end ?? bytes.count, bytes.count)
  }

  package var isAtEnd: Bool { offset == end }

  /// The number of bytes the reader was given (the whole file's).
  package var count: Int { bytes.count }

  /// This reader, reading `range` of its bytes.
  package func limited(to range: Range<Int>) -> CacheReader {
    var reader = self
    reader.offset = range.lowerBound
    reader.end = min(range.upperBound, bytes.count)
    return reader
  }

  /// Where the next value starts.
  package var position: Int { offset }

  /// Skips `count` bytes.
  package mutating func skip(_ count: Int) throws {
    guard count >= 0, count <= end - offset else { throw Damaged() }
    offset += count
  }

  package mutating func int() throws -> Int {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard offset < end, shift < 64 else { throw Damaged() }
      let byte = bytes[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { break }
      shift += 7
    }
    let zigzag = Int64(bitPattern: value)
    return Int((zigzag >> 1) ^ -(zigzag & 1))
  }

  package mutating func word() throws -> UInt64 {
    guard offset + 8 <= end else { throw Damaged() }
    let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    offset += 8
    return value
  }

  package mutating func bool() throws -> Bool {
    guard offset < end, bytes[offset] <= 1 else { throw Damaged() }
    offset += 1
    return bytes[offset - 1] == 1
  }

  /// Notes as `noteText(_:)` wrote them: their bytes kept in this buffer, not checked or decoded (the
  /// envelope's checksum was; `NoteText` decodes them when they are read).
  package mutating func noteText() throws -> NoteText {
    let count = try int()
    guard count >= 0, count <= end - offset else { throw Damaged() }
    offset += count
    let range = (offset - count)..<offset
    switch owner {
    case .array(let array): return NoteText(utf8: array[range])
    case .mapping(let file): return NoteText(utf8: UnsafeRawBufferPointer(rebasing: bytes[range]), keptBy: file)
    }
  }

  /// A string as `string(_:)` wrote it. Decoded, not validated: the envelope's checksum showed the bytes
  /// to be the ones written, from a `String`'s UTF-8 (validating each of the hundreds of thousands of
  /// strings of a cache went through the generic `String(validating:as:)`, a tenth of reading the cache).
  package mutating func string() throws -> String {
    let count = try int()
    guard count >= 0, count <= end - offset else { throw Damaged() }
    offset += count
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset - count)..<offset]), as: UTF8.self)
  }

  package mutating func optional<T>(_ read: (inout CacheReader) throws -> T) throws -> T? {
    try bool() ? try read(&self) : nil
  }

  package mutating func list<T>(_ read: (inout CacheReader) throws -> T) throws -> [T] {
    let count = try int()
    guard count >= 0, count <= end - offset else { throw Damaged() }
    var values: [T] = []
    values.reserveCapacity(count)
    for _ in 0..<count { values.append(try read(&self)) }
    return values
  }

  package mutating func day() throws -> Day {
    guard let day = Day(year: try int(), month: try int(), day: try int()) else { throw Damaged() }
    return day
  }

  package mutating func location(in file: String) throws -> SourceLocation {
    SourceLocation(file: try optional { try $0.string() } ?? file, line: try int(), column: try int())
  }

  mutating func diagnostic(in file: String) throws -> Diagnostic {
    let severity: Diagnostic.Severity = try bool() ? .error : .warning
    return Diagnostic(severity, at: try location(in: file), try string())
  }

  package mutating func rawValue<T: RawRepresentable<String>>(_ type: T.Type) throws -> T {
    guard let value = T(rawValue: try string()) else { throw Damaged() }
    return value
  }

  mutating func loaded(in file: String) throws -> LoadedFile {
    switch try int() {
    case 0: return .partner(try optional { try $0.partner(in: file) })
    case 1: return .escalation(try optional { try $0.escalation(in: file) })
    case 2:
      return .faq(
        try optional { reader in
          FAQEntry(
            slug: try reader.string(), question: try reader.string(), order: try reader.optional { try $0.int() },
            body: try reader.string(), location: try reader.location(in: file))
        })
    case 3:
      return .page(
        try optional { reader in
          Page(
            slug: try reader.string(), title: try reader.string(), order: try reader.optional { try $0.int() },
            body: try reader.string(), location: try reader.location(in: file))
        })
    case 4: return .none
    default: throw Damaged()
    }
  }

  private mutating func partner(in file: String) throws -> Partner {
    Partner(
      slug: try string(), name: try string(), region: try optional { try $0.string() },
      website: try optional { try $0.string() }, pdm: try optional { try $0.string() },
      tiers: try list { reader in
        TierReview(reviewed: try reader.day(), tier: try reader.string(), location: try reader.location(in: file))
      },
      grace: try list { reader in
        GracePeriod(
          from: try reader.day(), until: try reader.day(), note: try reader.optional { try $0.string() },
          location: try reader.location(in: file))
      },
      certifications: try list { reader in
        EarnedCertification(
          name: try reader.string(), earned: try reader.day(), expires: try reader.optional { try $0.day() },
          location: try reader.location(in: file))
      },
      accreditations: try list { reader in
        Accreditation(type: try reader.string(), issued: try reader.day(), location: try reader.location(in: file))
      },
      decisions: try list { reader in
        Decision(
          date: try reader.day(), accreditation: try reader.string(),
          outcome: try reader.rawValue(Decision.Outcome.self),
          hasDirectorApproval: try reader.bool(), caseID: try reader.optional { try $0.string() },
          note: try reader.optional { try $0.string() }, location: try reader.location(in: file))
      },
      location: try location(in: file))
  }

  private mutating func escalation(in file: String) throws -> EscalationCase {
    EscalationCase(
      id: try string(), partnerSlug: try string(), customer: try string(),
      accreditation: try optional { reader in Located(try reader.string(), at: try reader.location(in: file)) },
      isSerious: try bool(), seriousLocation: try optional { try $0.location(in: file) },
      steps: try list { reader in
        EscalationCase.Step(
          stage: try reader.rawValue(EscalationCase.Stage.self), date: try reader.day(),
          location: try reader.location(in: file))
      },
      outcome: try optional { reader in
        EscalationCase.Outcome(
          decision: try reader.rawValue(EscalationCase.Decision.self), date: try reader.day(),
          location: try reader.location(in: file))
      },
      noteText: try noteText(), location: try location(in: file))
  }
}

/// A file's bytes mapped into memory read-only, unmapped when this is freed: what the parse cache is read
/// from. The caches are replaced by renaming a new file over the old one, never rewritten in place, so the
/// mapped file does not change while it is read.
package final class MappedFile: @unchecked Sendable {
  /// The file's bytes.
  package let bytes: UnsafeRawBufferPointer

  /// Maps the file at `path`; nil when it cannot be opened or mapped (an empty file cannot be mapped).
  package init?(path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_size > 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
    let size = Int(status.st_size)
    #if os(Linux)
      let flags = MAP_PRIVATE | MAP_POPULATE
    #else
      let flags = MAP_PRIVATE
    #endif
    guard let address = mmap(nil, size, PROT_READ, flags, descriptor, 0),
      address != UnsafeMutableRawPointer(bitPattern: -1)
    else { return nil }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
  }

  deinit {
    munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
  }
}
