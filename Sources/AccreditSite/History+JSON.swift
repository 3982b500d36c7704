import AccreditContent
import AccreditEngine
import AccreditSupport

/// `api/history.json` (SPEC section 6): the program's last 24 months and every accreditation's changes,
/// keys in the specification's order, partners by slug and accreditations in `status.json`'s order.
///
/// Written with one line per month and per partner (`serialized(compactFrom: 2)`): at 10,000 partners the
/// file stays within 3 MB and a rebuild's diff shows the partners that changed.
enum HistoryJSON {
  /// The order in which a month's counts are written, as the specification's example writes them.
  static let statusOrder: [AccreditationStatus] = [.accredited, .atRisk, .underReview, .ineligible, .revoked]

  /// The document for `histories` (every partner, by slug) through `asOf`; with `partners` false, its
  /// partners' list is left empty (the months count every partner still).
  static func json(histories: [PartnerHistory], asOf: Day, partners: Bool = true, months: [ProgramMonth]? = nil)
    -> JSONValue
  {
    let months = months ?? Evaluator.programMonths(histories, through: asOf)
    return .object([
      ("schema", .int(1)),
      ("as_of", .string(asOf.iso)),
      (
        "months",
        .array(
          months.map { month in
            .object([
              ("month", .string(month.month.iso)),
              ("date", .string(month.date.iso)),
              ("partners", .int(month.partners)),
              (
                "accreditations",
                .object(statusOrder.map { ($0.rawValue, .int(month.accreditations[$0] ?? 0)) })
              ),
            ])
          })
      ),
      (
        "partners",
        .array(
          partners ? histories.sorted { $0.slug < $1.slug }.map(json) : [])
      ),
    ])
  }

  private static func json(_ partner: PartnerHistory) -> JSONValue {
    .object([
      ("slug", .string(partner.slug)),
      ("accreditations", .array(partner.accreditations.map(json))),
    ])
  }

  private static func json(_ accreditation: AccreditationHistory) -> JSONValue {
    .object([
      ("type", .string(accreditation.type)),
      ("issued", .string(accreditation.issued.iso)),
      (
        "changes",
        .array(
          accreditation.changes.map { change in
            .object([
              ("date", .string(change.date.iso)),
              ("status", .string(change.status.rawValue)),
              ("rules", .array(change.rules.map { .string($0.rawValue) })),
            ])
          })
      ),
    ])
  }

  /// The file's bytes for the content through `asOf`, each partner's history on every core.
  static func bytes(content: Content, asOf: Day) -> [UInt8] {
    let histories = Evaluator(standards: content.standards)
      .histories(content.partners, cases: content.cases, through: asOf) { $0.parallelMap($1) }
    return bytes(histories: histories, asOf: asOf)
  }

  /// The file's bytes for `histories` (every partner, by slug) through `asOf`; with `memo`, each partner's
  /// line as it has it, or made and kept there; with `months`, the program's months as made already
  /// (`Evaluator.programMonths` of `histories` through `asOf`).
  static func bytes(histories: [PartnerHistory], asOf: Day, memo: PartnerMemo? = nil, months: [ProgramMonth]? = nil)
    -> [UInt8]
  {
    let tail = "[]\n}\n"
    let sorted = histories.sorted { $0.slug < $1.slug }
    let empty = json(histories: sorted, asOf: asOf, partners: false, months: months).serialized(compactFrom: 2)
    guard let memo, !sorted.isEmpty, empty.hasSuffix(tail) else {
      return Array(json(histories: sorted, asOf: asOf).serialized(compactFrom: 2).utf8)
    }
    // The partners are the last member of the top object, one line each, two levels in.
    let lines = sorted.map { partner in
      "    " + memo.piece(.historyJSON, of: partner.slug) { String(json(partner).compact().dropLast()) }
    }
    return Array((empty.dropLast(tail.count) + "[\n" + lines.joined(separator: ",\n") + "\n  ]\n}\n").utf8)
  }
}
