import AccreditEngine
import AccreditSupport

/// `api/partners.json`: every partner in the list's order, compact enough to fetch at once (about 100 bytes
/// a partner), for filtering and sorting the partner list in the browser.
///
/// Each partner is an array in the order of `fields`; tiers, regions, PDMs, statuses and accreditation
/// types are indices into the tables beside it. `accreditations` is flat: type index, status index, ….
/// `why` is the list's column of brief reasons; `next_due` the partner's first calendar item from the date
/// on (`SiteContext.nextDue`), which the "due within N days" filter compares, or `null`.
/// `status.json` stays the complete document; this file serves the list only.
///
/// The file is assembled (`bytes`) from each partner's row kept in `PartnerMemo`, written but for its region
/// and PDM, whose indices depend on every partner's (a new region renumbers them all) and are put in as it
/// is assembled: a record edit writes the edited partner's row alone. `json` is the document made whole,
/// which a test holds the assembled bytes to.
enum PartnerIndex {
  static let fields = [
    "slug", "name", "tier", "in_grace", "region", "pdm", "accreditations", "marks", "open_cases", "next_evaluation",
    "why", "next_due",
  ]

  /// The tables beside the rows: the regions and PDMs in use, sorted.
  private struct Tables {
    let regions: [String]
    let pdms: [String]
    let regionIndex: [String: Int]
    let pdmIndex: [String: Int]

    init(site: SiteContext, ordered: [PartnerEvaluation]) {
      regions = Set(ordered.compactMap { site.partners[$0.slug]?.region }).sorted()
      pdms = Set(ordered.compactMap { site.partners[$0.slug]?.pdm }).sorted()
      regionIndex = Dictionary(uniqueKeysWithValues: regions.enumerated().map { ($1, $0) })
      pdmIndex = Dictionary(uniqueKeysWithValues: pdms.enumerated().map { ($1, $0) })
    }
  }

  private static func index(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }

  /// A partner's row but for its region and PDM: the cells before them, and those after.
  private static func cells(_ evaluation: PartnerEvaluation, site: SiteContext, due: Day?) -> (
    head: [JSONValue], tail: [JSONValue]
  ) {
    let standards = site.content.standards
    let statuses = AccreditationStatus.allCases
    let tier = evaluation.tier.flatMap { tier in standards.tiers.firstIndex(of: tier) }
    let cells = evaluation.accreditations.flatMap { item -> [JSONValue] in
      [
        index(standards.accreditations.firstIndex { $0.slug == item.type }),
        .int(statuses.firstIndex(of: item.status) ?? 0),
      ]
    }
    return (
      [.string(evaluation.slug), .string(evaluation.name), index(tier), .int(evaluation.isInGrace ? 1 : 0)],
      [
        .array(cells), .int(evaluation.marks.count), .int(evaluation.openCases.count),
        .string(evaluation.accreditations.compactMap(\.nextEvaluation).min()?.iso), .string(site.why(evaluation)),
        .string(due?.iso),
      ]
    )
  }

  /// Everything but the rows, in the document's order (the rows come last).
  private static func header(site: SiteContext, tables: Tables) -> [(String, JSONValue)] {
    let standards = site.content.standards
    return [
      ("schema", .int(1)),
      ("as_of", .string(site.asOf.iso)),
      ("page_size", .int(site.listPageSize)),
      ("fields", .array(fields.map { .string($0) })),
      ("tiers", .array(standards.tiers.map { .array([.string($0), .string($0.capitalized)]) })),
      (
        "statuses",
        .array(
          AccreditationStatus.allCases.map { status in
            let view = StatusView(status)
            return .array([.string(view.key), .string(view.label), .string(view.icon)])
          })
      ),
      ("accreditation_types", .array(standards.accreditations.map { .array([.string($0.slug), .string($0.name)]) })),
      ("regions", .array(tables.regions.map { .string($0) })),
      ("pdms", .array(tables.pdms.map { .string($0) })),
    ]
  }

  /// The document made whole, as one value.
  static func json(site: SiteContext, ordered: [PartnerEvaluation]) -> JSONValue {
    let tables = Tables(site: site, ordered: ordered)
    let due = site.nextDue
    let partners = ordered.map { evaluation -> JSONValue in
      let partner = site.partners[evaluation.slug]
      let (head, tail) = cells(evaluation, site: site, due: due[evaluation.slug])
      return .array(
        head + [
          index(partner?.region.flatMap { tables.regionIndex[$0] }),
          index(partner?.pdm.flatMap { tables.pdmIndex[$0] }),
        ] + tail)
    }
    return .object(header(site: site, tables: tables) + [("partners", .array(partners))])
  }

  /// The document's compact bytes (`json(…).compact()`), assembled from each partner's row as `memo` keeps
  /// it (made now for a partner it does not have).
  static func bytes(site: SiteContext, ordered: [PartnerEvaluation], memo: PartnerMemo) -> [UInt8] {
    let tables = Tables(site: site, ordered: ordered)
    // A compact object ends in "}\n": the rows go before it. Assembled as UTF-8 bytes: appending to a
    // string and finding the NUL by character took most of an edit's time for this file.
    var output = Array(JSONValue.object(header(site: site, tables: tables)).compact().utf8)
    output.removeLast(2)
    output += Array(",\"partners\":[".utf8)
    func append(_ index: Int?) {
      if let index { output += String(index).utf8 } else { output += "null".utf8 }
    }
    for (number, evaluation) in ordered.enumerated() {
      let piece = memo.piece(.partnerIndex, of: evaluation.slug) {
        let (head, tail) = cells(evaluation, site: site, due: site.nextDue(of: evaluation))
        // Each part written as a compact array less its brackets; a NUL, which compact JSON escapes, parts them.
        return inner(head) + "\u{0}" + inner(tail)
      }
      let bytes = piece.utf8
      guard let separator = bytes.firstIndex(of: 0) else { continue }
      let partner = site.partners[evaluation.slug]
      if number > 0 { output.append(UInt8(ascii: ",")) }
      output.append(UInt8(ascii: "["))
      output += bytes[..<separator]
      output.append(UInt8(ascii: ","))
      append(partner?.region.flatMap { tables.regionIndex[$0] })
      output.append(UInt8(ascii: ","))
      append(partner?.pdm.flatMap { tables.pdmIndex[$0] })
      output.append(UInt8(ascii: ","))
      output += bytes[bytes.index(after: separator)...]
      output.append(UInt8(ascii: "]"))
    }
    output += "]}\n".utf8
    return output
  }

  /// `values` as a compact JSON array without its brackets.
  private static func inner(_ values: [JSONValue]) -> String {
    let text = JSONValue.array(values).compact()
    return String(text.dropFirst().dropLast(2))
  }
}
