import AccreditContent
import AccreditEngine
import AccreditSupport
import Foundation

/// The memo kept between CLI builds in the build cache (`BuildCache.memoFile(for:)`): what a render made
/// from each partner alone (its history, its pieces of the site-wide files, its feed piece, its part of the
/// program's months, its calendar events), each with the key it was made under. A partner's entry is used
/// only when its key is the partner's key now (`memoKey`: the global key, the FAQ's, its record and its
/// cases' data): a record edit then makes the edited partner's alone, as the preview server does in memory.
/// Whatever the file does not give (missing, damaged, another build of accredit, another key) is made again
/// when asked for, as in a build without it: a doubt costs time, never a stale page.
extension PartnerMemo {
  /// What the memo holds of one partner, as the file keeps it. Compared with `==` (synthesized) by the
  /// round-trip test, so that a field the coding forgets fails a test.
  struct Kept: Sendable, Equatable {
    var history: PartnerHistory?
    var pieces: [Piece: String]
    var feed: PartnerFeedPiece?
    var months: [Int]?
    var calendar: [CalendarEvent]?

    var isEmpty: Bool { history == nil && pieces.isEmpty && feed == nil && months == nil && calendar == nil }
  }

  /// A partner's history, feed piece, months and calendar events as the memo's file holds them, not yet
  /// decoded: a build decodes each when it first asks for it (`decodedHistory(of:)` and the others). A
  /// record edit that changes no evaluation asks for none of the other partners', and decoding all of them
  /// was 250 ms of CPU at 10,000 partners. A part that does not decode is made again, as one the file does
  /// not have (the envelope's checksum vouched for the file's bytes as a whole).
  struct Unread: Sendable {
    /// The memo file's bytes.
    let bytes: [UInt8]
    /// Where the history, the feed piece, the months and the calendar are in `bytes`.
    let parts: [Range<Int>]

    private func decoded<Value>(_ part: Int, _ read: (inout CacheReader) throws -> Value?) -> Value? {
      var reader = CacheReader(bytes, from: parts[part].lowerBound, to: parts[part].upperBound)
      guard let value = try? read(&reader), reader.isAtEnd else { return nil }
      return value
    }

    /// Each part, decoded now; nil when the file has none or it does not decode.
    var history: PartnerHistory? { decoded(0) { try $0.history() } }
    var feed: PartnerFeedPiece? { decoded(1) { try $0.feed() } }
    var months: [Int]? { decoded(2) { try $0.months() } }
    var calendar: [CalendarEvent]? { decoded(3) { try $0.calendar() } }
  }

  /// Partner `slug`'s history as the memo's file has it, decoded now; nil when the file has none.
  func decodedHistory(of slug: String) -> PartnerHistory? { unread.withLock { $0[slug] }?.history }
  /// Partner `slug`'s feed piece as the memo's file has it, decoded now.
  func decodedFeed(of slug: String) -> PartnerFeedPiece? { unread.withLock { $0[slug] }?.feed }
  /// Partner `slug`'s part of the months as the memo's file has it, decoded now.
  func decodedMonths(of slug: String) -> [Int]? { unread.withLock { $0[slug] }?.months }
  /// Partner `slug`'s calendar events as the memo's file has them, decoded now.
  func decodedCalendar(of slug: String) -> [CalendarEvent]? { unread.withLock { $0[slug] }?.calendar }

  /// What is kept of partner `slug` now, the memo file's parts decoded.
  func kept(_ slug: String) -> Kept {
    var (kept, unread) = held(slug)
    guard let unread else { return kept }
    kept.history = kept.history ?? unread.history
    kept.feed = kept.feed ?? unread.feed
    kept.months = kept.months ?? unread.months
    kept.calendar = kept.calendar ?? unread.calendar
    return kept
  }

  /// What the tables hold of partner `slug` now, and its entry's parts in the memo's file, not decoded.
  private func held(_ slug: String) -> (kept: Kept, unread: Unread?) {
    let kept = Kept(
      history: byPartner.withLock { $0[slug] }, pieces: pieces.withLock { all in all.compactMapValues { $0[slug] } },
      feed: feeds.withLock { $0[slug] }, months: months.withLock { $0[slug] },
      calendar: calendars.withLock { $0[slug] })
    return (kept, unread.withLock { $0[slug] })
  }

  /// Puts in partner `slug`'s pieces and the parts of its entry in the memo's file, decoded when asked for.
  func keep(pieces kept: [Piece: String], unread parts: Unread, of slug: String) {
    pieces.withLock { all in
      for (piece, text) in kept { all[piece, default: [:]][slug] = text }
    }
    unread.withLock { $0[slug] = parts }
  }

  /// The slugs of the partners the memo holds something of.
  var slugs: Set<String> {
    var slugs = Set(byPartner.withLock { $0.keys })
    slugs.formUnion(unread.withLock { $0.keys })
    slugs.formUnion(pieces.withLock { $0.values.flatMap(\.keys) })
    slugs.formUnion(feeds.withLock { $0.keys })
    slugs.formUnion(months.withLock { $0.keys })
    slugs.formUnion(calendars.withLock { $0.keys })
    return slugs
  }

  private static let header = Array("accredit-memo 5\n".utf8)

  /// The memo's file: the header, `identity`, each partner's slug and entry (the partners of `keys` the
  /// memo holds something of or that `plans` has), a checksum. An entry, length first so that entries are
  /// coded and read on every core, is the partner's memo key and what the memo keeps of it, then its plan
  /// key and its plan (when `planKeys` has the partner).
  func encoded(
    keys: [String: UInt64], plans: [String: SiteRenderer.PartnerPlan] = [:], planKeys: [String: UInt64] = [:],
    identity: String
  ) -> [UInt8] {
    let slugs = slugs.union(plans.keys).filter { keys[$0] != nil }.sorted()
    let entries = slugs.parallelMap { slug -> [UInt8] in
      var writer = CacheWriter(capacity: 4096)
      writer.word(keys[slug] ?? 0)
      let (kept, unread) = held(slug)
      writer.kept(kept, unread: unread)
      writer.word(planKeys[slug] ?? 0)
      writer.optional(planKeys[slug] == nil ? nil : plans[slug]) { writer, plan in
        writer.word(plan.key)
        writer.list(plan.files) { writer, file in
          writer.string(file.path)
          writer.word(file.key)
        }
      }
      return writer.bytes
    }
    var writer = CacheWriter(capacity: entries.reduce(1024) { $0 + $1.count + 64 })
    writer.raw(Self.header)
    writer.string(identity)
    writer.int(slugs.count)
    for (slug, entry) in zip(slugs, entries) {
      writer.string(slug)
      writer.int(entry.count)
      writer.raw(entry)
    }
    BinaryEnvelope.seal(&writer)
    return writer.bytes
  }

  /// What a memo's file gives: the memo of the entries whose key is the partner's, how many they are, and
  /// the plans whose key is the partner's plan key.
  struct Decoded {
    var memo = PartnerMemo()
    var count = 0
    var plans: [String: SiteRenderer.PartnerPlan] = [:]
    /// Why nothing was read from a file that is not another build's: what the build warns about.
    var damage: String?

    static func damaged(_ why: String) -> Decoded { Decoded(damage: why) }
  }

  /// The entries and plans of the file `bytes` whose keys are the partner's in `keys` and `planKeys`,
  /// read on every core; nothing when the file is damaged or of another `identity`.
  static func decoded(
    _ bytes: [UInt8], keys: [String: UInt64], planKeys: [String: UInt64] = [:], identity: String
  ) -> Decoded {
    stored(bytes, identity: identity).matching(keys: keys, planKeys: planKeys)
  }

  /// Every entry a memo's file holds, each with the keys it was made under, before they are compared with
  /// the partners' keys now: read while the content loads (`SiteBuilder.build`), since it needs no key.
  struct Stored: Sendable {
    /// Each partner's entry, in the file's order.
    var entries:
      [(
        slug: String, key: UInt64, pieces: [Piece: String], unread: Unread, planKey: UInt64,
        plan: SiteRenderer.PartnerPlan?
      )] = []
    /// Why nothing was read from a file that is not another build's: what the build warns about.
    var damage: String?

    /// The entries and plans whose keys are the partner's in `keys` and `planKeys`.
    func matching(keys: [String: UInt64], planKeys: [String: UInt64]) -> Decoded {
      if let damage { return .damaged(damage) }
      var decoded = Decoded()
      for entry in entries {
        if keys[entry.slug] == entry.key {
          decoded.memo.keep(pieces: entry.pieces, unread: entry.unread, of: entry.slug)
          decoded.count += 1
        }
        if let plan = entry.plan, planKeys[entry.slug] == entry.planKey { decoded.plans[entry.slug] = plan }
      }
      return decoded
    }
  }

  /// Every entry of the file `bytes`, read on every core (or, without `onEveryCore`, on this thread alone:
  /// read while the content loads, it left the load one core); none when the file is damaged or of another
  /// `identity`.
  static func stored(_ bytes: [UInt8], identity: String, onEveryCore: Bool = true) -> Stored {
    let body: Range<Int>
    switch BinaryEnvelope.body(of: bytes, header: header) {
    case .success(let range): body = range
    case .failure(let damage): return Stored(damage: damage.why)
    }
    var reader = CacheReader(bytes, from: body.lowerBound, to: body.upperBound)
    var spans: [(slug: String, start: Int, end: Int)] = []
    do {
      guard try reader.string() == identity else { return Stored() }
      for _ in 0..<(try reader.int()) {
        let slug = try reader.string()
        let length = try reader.int()
        let start = reader.position
        try reader.skip(length)
        spans.append((slug, start, start + length))
      }
      guard reader.isAtEnd else { return Stored(damage: "it is damaged") }
    } catch {
      return Stored(damage: "it is damaged")
    }
    let read = { @Sendable (span: (slug: String, start: Int, end: Int)) in
      entry(of: span.slug, in: CacheReader(bytes, from: span.start, to: span.end), bytes: bytes)
    }
    let entries = onEveryCore ? spans.parallelMap(read) : spans.map(read)
    var stored = Stored()
    stored.entries.reserveCapacity(entries.count)
    for entry in entries {
      guard let entry else { return Stored(damage: "it is damaged") }
      stored.entries.append(entry)
    }
    return stored
  }

  /// The entry of partner `slug` that `reader` holds, in the memo file's `bytes`; nil when it does not
  /// decode.
  private static func entry(of slug: String, in reader: CacheReader, bytes: [UInt8]) -> (
    slug: String, key: UInt64, pieces: [Piece: String], unread: Unread, planKey: UInt64,
    plan: SiteRenderer.PartnerPlan?
  )? {
    var reader = reader
    do {
      let key = try reader.word()
      let (pieces, unread) = try reader.kept(in: bytes)
      let planKey = try reader.word()
      let plan = try reader.optional { reader in
        SiteRenderer.PartnerPlan(
          key: try reader.word(),
          files: try reader.list { reader in
            SiteRenderer.PlannedFile(path: try reader.string(), key: try reader.word())
          })
      }
      guard reader.isAtEnd else { return nil }
      return (slug, key, pieces, unread, planKey, plan)
    } catch {
      return nil
    }
  }
}

extension SiteRenderer {
  /// Each partner's memo key and plan key, on every core. The memo key is the key its memo entry is made
  /// under (`PartnerMemo`'s file): what an entry is made from is the partner's record and cases, the
  /// standards, the date and the content folder's name, which the key of its pages holds
  /// (`InputKeys.partner`, with the global key), with the FAQ's key. The plan key is the key its planned
  /// files (`PartnerPlan`) are kept under: a partner's files and their keys are made from its memo key's
  /// inputs, its case files' bytes (a case page's key holds its notes) and the templates: all of those, with
  /// every template and static file.
  func memoKeys(_ keys: InputKeys) -> (memo: [String: UInt64], plan: [String: UInt64]) {
    Self.memoKeys(keys, content: content, templates: templates)
  }

  /// `memoKeys(_:)` of a renderer of `content` with `templates`.
  static func memoKeys(_ keys: InputKeys, content: Content, templates: TemplateSet) -> (
    memo: [String: UInt64], plan: [String: UInt64]
  ) {
    // The cases are sorted by partner: each partner's are one run of them (or more, were they not).
    let cases = content.cases
    var runs: [String: [Range<Int>]] = [:]
    for (slug, run) in cases.partnerRuns() { runs[slug, default: []].append(run) }
    let hashes = content.inputHashes
    let fingerprint = templates.fingerprint
    let made = content.partners.parallelMap { [runs] partner -> (memo: UInt64, plan: UInt64) in
      let own = (runs[partner.slug] ?? []).flatMap { cases[$0] }
      let memo = StableHash.combine([keys.faq, keys.partner(recordFile: partner.location.file, cases: own)])
      let files = own.flatMap { escalation -> [UInt64] in
        [StableHash.of(escalation.location.file), hashes[escalation.location.file] ?? 0]
      }
      return (memo, StableHash.combine([memo, fingerprint] + files))
    }
    var memoKeys: [String: UInt64] = [:]
    var planKeys: [String: UInt64] = [:]
    memoKeys.reserveCapacity(made.count)
    planKeys.reserveCapacity(made.count)
    for (partner, keys) in zip(content.partners, made) {
      memoKeys[partner.slug] = keys.memo
      planKeys[partner.slug] = keys.plan
    }
    return (memoKeys, planKeys)
  }
}

extension CacheWriter {
  /// What the memo keeps of a partner: its pieces, and each of its history, feed, months and calendar as
  /// a part with its length first, which a build decodes only when it asks for it (`PartnerMemo.Unread`).
  /// A part `kept` lacks and `unread` has is copied as the file had it, not decoded to be written again.
  fileprivate mutating func kept(_ kept: PartnerMemo.Kept, unread: PartnerMemo.Unread?) {
    part(kept.history == nil ? unread : nil, 0) { writer in
      writer.optional(kept.history) { writer, history in
        writer.string(history.slug)
        writer.list(history.accreditations) { writer, accreditation in
          writer.string(accreditation.type)
          writer.day(accreditation.issued)
          writer.list(accreditation.changes) { writer, change in
            writer.day(change.date)
            writer.string(change.status.rawValue)
            writer.list(change.rules) { $0.string($1.rawValue) }
          }
        }
      }
    }
    let pieces = [PartnerMemo.Piece.statusJSON, .csv, .historyJSON, .partnerIndex]
    for piece in pieces { optional(kept.pieces[piece]) { $0.string($1) } }
    part(kept.feed == nil ? unread : nil, 1) { writer in
      writer.optional(kept.feed) { writer, feed in
        writer.list(feed.changes) { $0.change($1) }
        writer.list(feed.events) { writer, item in
          writer.day(item.event.day)
          writer.int(item.event.order)
          writer.string(item.event.partner)
          let entry = item.event.entry
          for text in [entry.id, entry.title, entry.updated, entry.link, entry.summary] { writer.string(text) }
          writer.optional(item.change) { $0.int($1) }
        }
      }
    }
    part(kept.months == nil ? unread : nil, 2) { writer in
      writer.optional(kept.months) { writer, counts in writer.list(counts) { $0.int($1) } }
    }
    part(kept.calendar == nil ? unread : nil, 3) { writer in
      writer.optional(kept.calendar) { writer, events in
        writer.list(events) { writer, event in
          writer.day(event.date)
          writer.string(event.kind.rawValue)
          writer.optional(event.partner) { $0.string($1) }
          writer.optional(event.subject) { $0.string($1) }
        }
      }
    }
  }

  /// What `write` writes, its length first; with `unread`, its part `index` as the file had it instead.
  private mutating func part(_ unread: PartnerMemo.Unread?, _ index: Int, _ write: (inout CacheWriter) -> Void) {
    if let unread {
      let bytes = unread.bytes[unread.parts[index]]
      int(bytes.count)
      raw(Array(bytes))
      return
    }
    var part = CacheWriter()
    write(&part)
    int(part.bytes.count)
    raw(part.bytes)
  }

  private mutating func change(_ item: StatusChangeItem) {
    day(item.date)
    string(item.slug)
    string(item.partnerName)
    string(item.type)
    day(item.issued)
    optional(item.from) { $0.string($1.rawValue) }
    string(item.to.rawValue)
    list(item.reasons) { writer, reason in
      writer.string(reason.rule.rawValue)
      writer.string(reason.message)
      writer.string(reason.location.file)
      writer.location(reason.location, in: reason.location.file)
      writer.optional(reason.caseID) { $0.string($1) }
      writer.string(reason.brief)
    }
  }
}

extension CacheReader {
  /// A partner's pieces, and where its other parts are in `bytes`, the memo file's bytes this reader reads.
  fileprivate mutating func kept(in bytes: [UInt8]) throws -> (
    pieces: [PartnerMemo.Piece: String], unread: PartnerMemo.Unread
  ) {
    let history = try part()
    var pieces: [PartnerMemo.Piece: String] = [:]
    for piece in [PartnerMemo.Piece.statusJSON, .csv, .historyJSON, .partnerIndex] {
      pieces[piece] = try optional { try $0.string() }
    }
    let (feed, months, calendar) = (try part(), try part(), try part())
    return (pieces, PartnerMemo.Unread(bytes: bytes, parts: [history, feed, months, calendar]))
  }

  /// Where the part that comes next is (its length first), which is skipped.
  private mutating func part() throws -> Range<Int> {
    let length = try int()
    let start = position
    try skip(length)
    return start..<(start + length)
  }

  fileprivate mutating func history() throws -> PartnerHistory? {
    try optional { reader in
      PartnerHistory(
        slug: try reader.string(),
        accreditations: try reader.list { reader in
          AccreditationHistory(
            type: try reader.string(), issued: try reader.day(),
            changes: try reader.list { reader in
              AccreditationHistory.Change(
                date: try reader.day(), status: try reader.rawValue(AccreditationStatus.self),
                rules: try reader.list { try $0.rawValue(Rule.self) })
            })
        })
    }
  }

  fileprivate mutating func feed() throws -> PartnerFeedPiece? {
    try optional { reader in
      PartnerFeedPiece(
        changes: try reader.list { try $0.change() },
        events: try reader.list { reader in
          let day = try reader.day()
          let order = try reader.int()
          let partner = try reader.string()
          let entry = FeedModel.Entry(
            id: try reader.string(), title: try reader.string(), updated: try reader.string(),
            link: try reader.string(), summary: try reader.string())
          return PartnerFeedPiece.Event(
            event: FeedEvent(day: day, order: order, partner: partner, entry: entry),
            change: try reader.optional { try $0.int() })
        })
    }
  }

  fileprivate mutating func months() throws -> [Int]? {
    try optional { reader in try reader.list { try $0.int() } }
  }

  fileprivate mutating func calendar() throws -> [CalendarEvent]? {
    try optional { reader in
      try reader.list { reader in
        CalendarEvent(
          date: try reader.day(), kind: try reader.rawValue(CalendarEvent.Kind.self),
          partner: try reader.optional { try $0.string() }, subject: try reader.optional { try $0.string() })
      }
    }
  }

  private mutating func change() throws -> StatusChangeItem {
    StatusChangeItem(
      date: try day(), slug: try string(), partnerName: try string(), type: try string(), issued: try day(),
      from: try optional { try $0.rawValue(AccreditationStatus.self) },
      to: try rawValue(AccreditationStatus.self),
      reasons: try list { reader in
        let rule = try reader.rawValue(Rule.self)
        let message = try reader.string()
        let file = try reader.string()
        return Reason(
          rule: rule, message: message, location: try reader.location(in: file),
          caseID: try reader.optional { try $0.string() }, brief: try reader.string())
      })
  }
}

/// The memo's file of a build: where it is, each partner's memo and plan keys, what was read from it (the
/// entries and plans used: a build that made nothing new leaves the file as it was).
final class MemoFile: @unchecked Sendable {
  let url: URL
  let keys: [String: UInt64]
  let planKeys: [String: UInt64]
  /// How many memo entries were read from the file, written by the build's thread before the memo is saved.
  var loaded = 0
  /// The partners' plans read from the file.
  var plans: [String: SiteRenderer.PartnerPlan] = [:]

  init(url: URL, keys: [String: UInt64], planKeys: [String: UInt64]) {
    self.url = url
    self.keys = keys
    self.planKeys = planKeys
  }

  /// Writes `memo` and `plans` (beside the file, then renamed) when they hold entries or plans the file did
  /// not give for more than a fiftieth of the partners (or the file gave none), as the parse cache is
  /// saved: a few partners made again cost the next build less than writing the whole file (47 MB at
  /// 10,000 partners) costs this one. A failure only costs the next build the time the file would have
  /// saved, so it is ignored.
  func save(_ memo: PartnerMemo, plans: [String: SiteRenderer.PartnerPlan]) {
    // The loaded entries are all in the memo: the others were made by this build.
    let made = memo.slugs.count(where: { keys[$0] != nil }) - loaded
    let planned = plans.keys.count(where: { self.plans[$0] == nil })
    guard max(made, planned) * 50 > keys.count || (loaded == 0 && self.plans.isEmpty && made + planned > 0) else {
      return
    }
    ParseCache.replace(
      url, with: memo.encoded(keys: keys, plans: plans, planKeys: planKeys, identity: SiteRenderer.buildIdentity))
  }
}
